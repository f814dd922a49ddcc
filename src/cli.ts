/**
 * Each command's module, and through it the rest of the program (openai, Octokit, pino…),
 * is imported inside its action: `--help` and a quick `status` do not pay for what only a
 * run uses.
 */
import { Command, CommanderError } from "commander";
import { terminalProgress } from "./cli/progress.ts";
import type { RunFlags } from "./cli/commands/run.ts";
import { withEnvFile } from "./cli/env-file.ts";
import { ConfigError, describeError } from "./run/errors.ts";

export interface CliIo {
  cwd: string;
  env: Record<string, string | undefined>;
  out: NodeJS.WritableStream;
  err: NodeJS.WriteStream;
}

/** Parses arguments and calls the modules; returns the exit code (0 ok, 1 a task failed, 2 usage or configuration). */
export async function main(argv: string[], given: CliIo = { cwd: process.cwd(), env: process.env, out: process.stdout, err: process.stderr }): Promise<number> {
  const fromFile = withEnvFile(given.env);
  if (fromFile.warning) given.err.write(`git-codex: warning: ${fromFile.warning}\n`);
  const io: CliIo = { ...given, env: fromFile.env };
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  let exitCode = 0;
  const deps = async (extra: { dailyUsd?: string } = {}) => (await import("./cli/deps.ts")).buildDeps({ env: io.env, signal: abort.signal, progress: terminalProgress(io.err), logStream: io.err, ...extra });
  const read = (opts: { fetch: boolean }) => ({ cwd: io.cwd, fetch: opts.fetch, out: io.out });
  const program = new Command("git-codex")
    .description("A background coding agent whose only interface is git.")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out.write(s), writeErr: (s) => io.err.write(s) })
    .showHelpAfterError();
  program.command("run").description("process pending tasks of the repository in the current directory (one mode: --once, --task, --enqueue-only, --list-queued)")
    .option("--once", "run every pending task, then exit")
    .option("--task <id>", "claim and run this one task (id, id prefix or key), then exit; exit 3 when it is claimed elsewhere, finished or unknown")
    .option("--enqueue-only", "record new tasks and push them as queued; run nothing")
    .option("--list-queued", "print the ids of the tasks a worker may start now, one a line")
    .option("--json", "with --list-queued: print a JSON array (a CI matrix)")
    .option("--since <duration>", "on a first run, trailer commits newer than this count (default 24h)")
    .option("--daily-usd <amount>", "spend at most this many US dollars per UTC day on this machine; tasks past it stay queued (env GIT_CODEX_DAILY_USD)")
    .action(async (opts: RunFlags & { dailyUsd?: string }) => {
      const { dailyUsd, ...flags } = opts;
      const { runCommand } = await import("./cli/commands/run.ts");
      exitCode = await runCommand(await deps(dailyUsd === undefined ? {} : { dailyUsd }), flags, { cwd: io.cwd, out: io.out, err: io.err });
    });
  program.command("watch").argument("[paths...]", "repositories to serve (default: the list in $XDG_CONFIG_HOME/git-codex/repos)")
    .description("the daemon: notice new tasks, run them, until SIGTERM or SIGINT")
    .option("--poll <duration>", "how often to poll each remote", "30s")
    .option("--concurrency <n>", "tasks at once, overall", "2")
    .option("--per-repo <n>", "tasks at once per repository", "1")
    .option("--grace <duration>", "on shutdown, how long running tasks may finish", "30s")
    .option("--daily-usd <amount>", "spend at most this many US dollars per UTC day; tasks past it stay queued until the next day (env GIT_CODEX_DAILY_USD)")
    .action(async (paths: string[], opts: { poll: string; concurrency: string; perRepo: string; grace: string; dailyUsd?: string }) => {
      const { watchCommand } = await import("./cli/commands/watch.ts");
      exitCode = await watchCommand({ ...opts, paths, cwd: io.cwd, env: io.env, err: io.err, shutdown: abort.signal });
    });
  program.command("status").description("table of tasks, read from the remote's state refs")
    .option("--json", "print a JSON array").option("--no-fetch", "use the local copy of the records")
    .action(async (opts: { json?: boolean; fetch: boolean }) => { exitCode = await (await import("./cli/commands/status.ts")).statusCommand(await deps(), { ...read(opts), json: Boolean(opts.json) }); });
  program.command("show").argument("<task>", "task id, id prefix or task key").description("a task's state and transcript")
    .option("--json", "print status and transcript as JSON").option("--no-fetch", "use the local copy of the records")
    .action(async (task: string, opts: { json?: boolean; fetch: boolean }) => { exitCode = await (await import("./cli/commands/show.ts")).showCommand(await deps(), task, { ...read(opts), json: Boolean(opts.json) }); });
  program.command("log").argument("<task>", "task id, id prefix or task key").description("a task's audit log (its state ref's history)")
    .option("--no-fetch", "use the local copy of the records")
    .action(async (task: string, opts: { fetch: boolean }) => { exitCode = await (await import("./cli/commands/log.ts")).logCommand(await deps(), task, read(opts)); });
  for (const action of ["retry", "cancel"] as const) {
    program.command(action).argument("<task>", "task id, id prefix or task key")
      .description(action === "retry" ? "run a finished task again (from any clone)" : "stop a queued or running task (from any clone)")
      .action(async (task: string) => { exitCode = await (await import("./cli/commands/control.ts")).controlCommand(await deps(), action, task, { cwd: io.cwd, out: io.out }); });
  }
  program.command("init").description("write a commented .codex-tasks.yml").option("--force", "overwrite an existing file")
    .action(async (opts: { force?: boolean }) => { exitCode = await (await import("./cli/commands/init.ts")).initCommand(await deps(), { cwd: io.cwd, force: Boolean(opts.force), out: io.out }); });
  const memory = program.command("memory").description("the repository's memory: MEMORY.md on the codex/memory branch, read by every run");
  memory.command("show").description("print the memory as the remote has it")
    .action(async () => { exitCode = await (await import("./cli/commands/memory.ts")).memoryShowCommand(await deps(), { cwd: io.cwd, out: io.out, err: io.err }); });
  memory.command("edit").description("edit the memory in your editor, then commit it as you and push it (with a lease)")
    .option("-m, --message <text>", "the commit message")
    .action(async (opts: { message?: string }) => { exitCode = await (await import("./cli/commands/memory.ts")).memoryEditCommand(await deps(), { cwd: io.cwd, out: io.out, err: io.err, ...(opts.message ? { message: opts.message } : {}) }); });
  program.command("doctor").description("check git, node, credentials and the remote")
    .action(async () => { exitCode = await (await import("./cli/commands/doctor.ts")).doctorCommand(await deps(), { cwd: io.cwd, out: io.out }); });
  program.command("demo").description("a complete offline run with a built-in scripted model (no API key needed)")
    .option("--keep", "keep the temporary repositories")
    .action(async (opts: { keep?: boolean }) => { exitCode = await (await import("./cli/commands/demo.ts")).demoCommand({ env: io.env, out: io.out, err: io.err, keep: Boolean(opts.keep) }); });
  const service = program.command("service").description("run git-codex watch as a per-user service (systemd user unit on Linux, launchd agent on macOS)");
  const serviceIo = { env: io.env, out: io.out, err: io.err, cwd: io.cwd, repos: [] as string[], print: false };
  service.command("install").description("write and start the service running git-codex watch")
    .argument("[repos...]", "repositories to watch (default: the paths listed in $XDG_CONFIG_HOME/git-codex/repos)")
    .option("--poll <duration>", "how often git-codex watch polls each remote, e.g. 60s or 5m")
    .option("--print", "print the unit or plist to stdout instead of installing it")
    .action(async (repos: string[], opts: { poll?: string; print?: boolean }) => { exitCode = await (await import("./cli/commands/service.ts")).serviceCommand("install", { ...serviceIo, repos, print: Boolean(opts.print), ...(opts.poll ? { poll: opts.poll } : {}) }); });
  service.command("uninstall").description("stop the service and remove its file")
    .action(async () => { exitCode = await (await import("./cli/commands/service.ts")).serviceCommand("uninstall", serviceIo); });
  service.command("status").description("the service manager's report on the service")
    .action(async () => { exitCode = await (await import("./cli/commands/service.ts")).serviceCommand("status", serviceIo); });
  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    io.err.write(`git-codex: ${describeError(error)}\n`);
    return error instanceof ConfigError ? 2 : 1;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

// Run directly (`node src/cli.ts …` in development).
if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2));
}
