import type { Deps, RepoContext } from "../../run/context.ts";
import { ConfigError } from "../../run/errors.ts";
import { runOnce, type RunSummary } from "../../run/run-once.ts";
import { runSingleTask } from "../../run/run-single.ts";
import type { TaskStatus } from "../../run/task-status.ts";
import { enqueueOnly, listRunnable } from "../../run/worker-queue.ts";
import { formatProblem } from "../../tasks/index.ts";
import { TASK_FILE } from "../../run/intake.ts";
import { openRepo, remoteError } from "../open-repo.ts";
import { endProgressLine } from "../progress.ts";
import { statusTable } from "../render.ts";

/** `run --task`: nothing was run: the task is claimed elsewhere, already finished, unknown, or held back by this machine's daily spending cap. */
export const NOT_RUN_EXIT = 3;

/** The flags of `git codex run`, as parsed. */
export interface RunFlags {
  once?: boolean;
  task?: string;
  enqueueOnly?: boolean;
  listQueued?: boolean;
  json?: boolean;
  since?: string;
}

export type RunMode = { kind: "once" } | { kind: "task"; query: string } | { kind: "enqueue" } | { kind: "list"; json: boolean };

export interface RunCommandOptions {
  cwd: string;
  out: NodeJS.WritableStream;
  err: NodeJS.WriteStream;
}

const MODES = "one of --once, --task <id>, --enqueue-only, --list-queued";

/** Exactly one mode; --since and --json only where they mean something. Pure, so `--help`-like checks need no repository. */
export function runMode(flags: RunFlags): RunMode {
  const chosen = [flags.once && "--once", flags.task !== undefined && "--task", flags.enqueueOnly && "--enqueue-only", flags.listQueued && "--list-queued"].filter((f): f is string => Boolean(f));
  if (chosen.length === 0) throw new ConfigError("git codex run needs a mode", `use ${MODES}`);
  if (chosen.length > 1) throw new ConfigError(`${chosen.join(" and ")} cannot be combined`, `use ${MODES}`);
  if (flags.json && !flags.listQueued) throw new ConfigError("--json goes with --list-queued", "drop --json, or use git codex run --list-queued --json");
  if (flags.since !== undefined && !flags.once && !flags.enqueueOnly) throw new ConfigError("--since goes with --once or --enqueue-only", "drop --since: it only matters where new tasks are recorded");
  if (flags.task !== undefined) return { kind: "task", query: flags.task };
  if (flags.enqueueOnly) return { kind: "enqueue" };
  if (flags.listQueued) return { kind: "list", json: Boolean(flags.json) };
  return { kind: "once" };
}

/** `git codex run --once | --task <id> | --enqueue-only | --list-queued [--json]`. */
export async function runCommand(deps: Deps, flags: RunFlags, options: RunCommandOptions): Promise<number> {
  const mode = runMode(flags);
  const repo = await openRepo(options.cwd, deps, flags.since ? { since: flags.since } : {});
  try {
    return await dispatch(mode, repo, deps, options);
  } catch (error) {
    throw remoteError(error, repo.settings.remote);
  } finally {
    endProgressLine(options.err);
  }
}

async function dispatch(mode: RunMode, repo: RepoContext, deps: Deps, options: RunCommandOptions): Promise<number> {
  switch (mode.kind) {
    case "once": {
      const summary = await runOnce(repo, deps);
      options.out.write(renderSummary(summary));
      return summary.exitCode;
    }
    case "task": {
      const outcome = await runSingleTask(repo, deps, mode.query, deps.signal ? { signal: deps.signal } : {});
      if (!outcome.ran) {
        options.err.write(`git-codex: ${outcome.message}\n`);
        return NOT_RUN_EXIT;
      }
      options.out.write(statusTable([outcome.status]));
      return outcome.status.state === "failed" || outcome.status.state === "interrupted" ? 1 : 0;
    }
    case "enqueue": {
      const summary = await enqueueOnly(repo, deps);
      const invalid = renderInvalid(summary.invalid);
      options.out.write((invalid.length > 0 ? invalid.join("\n") + "\n" : "") + renderQueued(summary.runnable));
      return summary.invalid.length > 0 ? 2 : 0;
    }
    case "list": {
      const ids = (await listRunnable(repo, deps)).map((status) => status.id);
      // One compact line: what a workflow puts in $GITHUB_OUTPUT as a matrix.
      options.out.write(mode.json ? JSON.stringify(ids) + "\n" : ids.map((id) => `${id}\n`).join(""));
      return 0;
    }
  }
}

export function renderSummary(summary: RunSummary): string {
  const parts = renderInvalid(summary.invalid);
  parts.push(summary.ran.length === 0 ? "Nothing to do: no new tasks." : statusTable(summary.ran).trimEnd());
  return parts.join("\n") + "\n";
}

function renderInvalid(invalid: TaskStatus[]): string[] {
  if (invalid.length === 0) return [];
  const parts = ["Invalid tasks (recorded in git; fix the task file and push):"];
  for (const status of invalid) {
    for (const problem of status.problems ?? []) parts.push(`  ${formatProblem(TASK_FILE, problem)}`);
  }
  parts.push("");
  return parts;
}

function renderQueued(runnable: TaskStatus[]): string {
  if (runnable.length === 0) return "Nothing queued: no task waits for a worker.\n";
  return `${runnable.length} task(s) wait for a worker (git codex run --task <id>):\n${runnable.map((s) => `  ${s.id}\n`).join("")}`;
}
