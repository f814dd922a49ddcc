import { Command, CommanderError, Option } from "commander";
import { buildDeps } from "./cli/deps.ts";
import { terminalProgress } from "./cli/progress.ts";
import { runCommand } from "./cli/commands/run.ts";
import { statusCommand } from "./cli/commands/status.ts";
import { showCommand } from "./cli/commands/show.ts";
import { logCommand } from "./cli/commands/log.ts";
import { initCommand } from "./cli/commands/init.ts";
import { doctorCommand } from "./cli/commands/doctor.ts";
import { demoCommand } from "./cli/commands/demo.ts";
import { ConfigError, describeError } from "./run/errors.ts";

export interface CliIo {
  cwd: string;
  env: Record<string, string | undefined>;
  out: NodeJS.WritableStream;
  err: NodeJS.WriteStream;
}

/** Parses arguments and calls the modules; returns the exit code (0 ok, 1 a task failed, 2 usage or configuration). */
export async function main(argv: string[], io: CliIo = { cwd: process.cwd(), env: process.env, out: process.stdout, err: process.stderr }): Promise<number> {
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  let exitCode = 0;
  const deps = () => buildDeps({ env: io.env, signal: abort.signal, progress: terminalProgress(io.err), logStream: io.err });
  const read = (opts: { fetch: boolean }) => ({ cwd: io.cwd, fetch: opts.fetch, out: io.out });
  const program = new Command("git-codex")
    .description("A background coding agent whose only interface is git.")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out.write(s), writeErr: (s) => io.err.write(s) })
    .showHelpAfterError();
  program.command("run").description("process pending tasks of the repository in the current directory")
    .addOption(new Option("--once", "run every pending task, then exit").makeOptionMandatory())
    .option("--since <duration>", "on a first run, trailer commits newer than this count (default 24h)")
    .action(async (opts: { since?: string }) => { exitCode = await runCommand(deps(), { cwd: io.cwd, out: io.out, err: io.err, ...(opts.since ? { since: opts.since } : {}) }); });
  program.command("status").description("table of tasks, read from the remote's state refs")
    .option("--json", "print a JSON array").option("--no-fetch", "use the local copy of the records")
    .action(async (opts: { json?: boolean; fetch: boolean }) => { exitCode = await statusCommand(deps(), { ...read(opts), json: Boolean(opts.json) }); });
  program.command("show").argument("<task>", "task id, id prefix or task key").description("a task's state and transcript")
    .option("--json", "print status and transcript as JSON").option("--no-fetch", "use the local copy of the records")
    .action(async (task: string, opts: { json?: boolean; fetch: boolean }) => { exitCode = await showCommand(deps(), task, { ...read(opts), json: Boolean(opts.json) }); });
  program.command("log").argument("<task>", "task id, id prefix or task key").description("a task's audit log (its state ref's history)")
    .option("--no-fetch", "use the local copy of the records")
    .action(async (task: string, opts: { fetch: boolean }) => { exitCode = await logCommand(deps(), task, read(opts)); });
  program.command("init").description("write a commented .codex-tasks.yml").option("--force", "overwrite an existing file")
    .action(async (opts: { force?: boolean }) => { exitCode = await initCommand(deps(), { cwd: io.cwd, force: Boolean(opts.force), out: io.out }); });
  program.command("doctor").description("check git, node, credentials and the remote")
    .action(async () => { exitCode = await doctorCommand(deps(), { cwd: io.cwd, out: io.out }); });
  program.command("demo").description("a complete offline run with a built-in scripted model (no API key needed)")
    .option("--keep", "keep the temporary repositories")
    .action(async (opts: { keep?: boolean }) => { exitCode = await demoCommand({ env: io.env, out: io.out, err: io.err, keep: Boolean(opts.keep) }); });
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
