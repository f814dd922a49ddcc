import { runProcess, type ProcessResult } from "../util/process.ts";
import { GitError } from "./git-error.ts";

export interface GitOptions {
  /** Directory git runs in (`git -C`). */
  cwd: string;
  /** Environment of the calling process; only what git needs is passed on. */
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
  /** Scrubs secrets (e.g. a token inside a remote URL) from error messages. */
  redact?: (text: string) => string;
}

export interface CallOptions {
  input?: string | Buffer;
  /** Extra environment for this call only (commit identity, GIT_INDEX_FILE…). */
  env?: Record<string, string>;
  cwd?: string;
  maxOutputBytes?: number;
  keepBytes?: boolean;
  timeoutMs?: number;
  /** Aborts this call only (the runner's own signal aborts every call). */
  signal?: AbortSignal;
}

/** A git runner bound to one directory. Every git call in the project goes through one. */
export interface Git {
  readonly cwd: string;
  /** Runs git and returns stdout; throws GitError on a non-zero exit. */
  run(args: readonly string[], options?: CallOptions): Promise<string>;
  /** Runs git and returns the whole result, for commands whose exit code is an answer. */
  probe(args: readonly string[], options?: CallOptions): Promise<ProcessResult>;
  /** The same runner in another directory. */
  at(cwd: string): Git;
}

// Variables that would make git act on another repository or prompt for input.
const DROPPED = /^GIT_(DIR|WORK_TREE|INDEX_FILE|OBJECT_DIRECTORY|ALTERNATE_OBJECT_DIRECTORIES|NAMESPACE|COMMON_DIR|CEILING_DIRECTORIES|PREFIX)$/;

export function gitEnvironment(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const clean: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(env)) if (!DROPPED.test(key)) clean[key] = value;
  return { ...clean, GIT_TERMINAL_PROMPT: "0", GIT_OPTIONAL_LOCKS: "0", LC_ALL: "C", GIT_EDITOR: "true", GIT_PAGER: "cat" };
}

// Hooks of the repository never run on behalf of the bot.
const BASE_ARGS = ["-c", "core.hooksPath=/dev/null", "-c", "advice.detachedHead=false"];

export function createGit(options: GitOptions): Git {
  const env = gitEnvironment(options.env);
  const redact = options.redact ?? ((text: string) => text);
  const probe = (args: readonly string[], call: CallOptions = {}): Promise<ProcessResult> =>
    runProcess("git", [...BASE_ARGS, ...args], {
      cwd: call.cwd ?? options.cwd,
      env: { ...env, ...call.env },
      input: call.input,
      maxOutputBytes: call.maxOutputBytes ?? 256 * 1024 * 1024,
      signal: call.signal && options.signal ? AbortSignal.any([call.signal, options.signal]) : (call.signal ?? options.signal),
      keepBytes: call.keepBytes,
      timeoutMs: call.timeoutMs,
    });
  return {
    cwd: options.cwd,
    probe,
    async run(args, call) {
      const result = await probe(args, call);
      if (result.exitCode === 0) return result.stdout;
      const detail = result.spawnError ?? (result.aborted ? "aborted" : result.stderr);
      throw new GitError(args.map(redact), result.exitCode, redact(detail));
    },
    at(cwd) {
      return createGit({ ...options, cwd });
    },
  };
}

/** Rejects values from outside that git would read as an option. */
export function assertNotOption(value: string, what: string): string {
  if (value.startsWith("-")) throw new Error(`${what} must not start with "-": ${JSON.stringify(value.slice(0, 60))}`);
  return value;
}
