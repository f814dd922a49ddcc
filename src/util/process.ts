import { spawn } from "node:child_process";

/** The one result shape of every process this project starts. Never rejects. */
export interface ProcessResult {
  stdout: string;
  stderr: string;
  /** Exit code, or null when the process was killed by a signal or could not start. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  /** True when stdout or stderr was cut at `maxOutputBytes`. */
  truncated: boolean;
  /** The raw bytes of stdout, when `keepBytes` was asked for. */
  stdoutBytes?: Buffer;
  /** Set when the process could not be started at all (ENOENT, EACCES…). */
  spawnError?: string;
  durationMs: number;
}

export interface RunOptions {
  cwd: string;
  /** The complete environment of the child: nothing is inherited implicitly. */
  env: Record<string, string | undefined>;
  /** Bytes written to stdin, then closed. Without it stdin is /dev/null. */
  input?: string | Buffer;
  timeoutMs?: number;
  /** Cap per stream; the rest is dropped and `truncated` set. Default 1 MiB. */
  maxOutputBytes?: number;
  signal?: AbortSignal;
  /** Also return stdout as bytes (binary content such as a blob). */
  keepBytes?: boolean;
}

const DEFAULT_MAX_OUTPUT = 1024 * 1024;
/** How long a process group gets between SIGTERM and SIGKILL. */
export const KILL_GRACE_MS = 2000;

/** Signals to the whole group of a child spawned with `detached: true`, so what it forked goes too. */
export interface GroupKiller {
  kill(signal: NodeJS.Signals): void;
  /** SIGTERM now, SIGKILL after the grace period. */
  stop(): void;
  /** SIGKILL to whatever is left, and no pending timer. */
  reap(): void;
}

export function groupKiller(child: { readonly pid?: number | undefined }, graceMs = KILL_GRACE_MS): GroupKiller {
  let hardKill: NodeJS.Timeout | undefined;
  const kill = (signal: NodeJS.Signals): void => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  return {
    kill,
    stop() {
      kill("SIGTERM");
      hardKill ??= setTimeout(() => kill("SIGKILL"), graceMs);
    },
    reap() {
      clearTimeout(hardKill);
      kill("SIGKILL");
    },
  };
}

/**
 * Runs `file args` in its own process group and always resolves. On timeout or abort the
 * whole group gets SIGTERM, then SIGKILL after a short grace, so children a command
 * forked (a dev server, a `sleep` in a pipeline) do not outlive it.
 */
export function runProcess(file: string, args: readonly string[], options: RunOptions): Promise<ProcessResult> {
  const started = performance.now();
  const cap = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  return new Promise((resolve) => {
    const out = new CappedBuffer(cap);
    const err = new CappedBuffer(cap);
    let timedOut = false;
    let aborted = false;
    let settled = false;
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: definedOnly(options.env),
      stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
      detached: true,
    });
    const group = groupKiller(child);
    const stop = (): void => group.stop();
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
    const onAbort = (): void => {
      aborted = true;
      stop();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener("abort", onAbort, { once: true });

    const finish = (exitCode: number | null, signal: NodeJS.Signals | null, spawnError?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      // Reap anything the command left running in its group.
      group.reap();
      resolve({
        stdout: out.text(),
        stderr: err.text(),
        exitCode,
        signal,
        timedOut,
        aborted,
        truncated: out.truncated || err.truncated,
        ...(options.keepBytes ? { stdoutBytes: out.bytes() } : {}),
        ...(spawnError === undefined ? {} : { spawnError }),
        durationMs: Math.round(performance.now() - started),
      });
    };
    child.stdout?.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", (error) => finish(null, null, error.message));
    // A command that exits but left a background child holding its output (`server &`)
    // is done: the rest of its group goes, so the pipes close and "close" follows.
    child.on("exit", () => group.kill("SIGKILL"));
    child.on("close", (code, signal) => finish(code, signal));
    if (child.stdin) {
      child.stdin.on("error", () => {
        // The child exited without reading all of its input; its exit status tells the story.
      });
      child.stdin.end(options.input);
    }
  });
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) result[key] = value;
  return result;
}

class CappedBuffer {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;
  private readonly cap: number;

  constructor(cap: number) {
    this.cap = cap;
  }

  push(chunk: Buffer): void {
    const room = this.cap - this.size;
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (kept.length < chunk.length) this.truncated = true;
    this.chunks.push(kept);
    this.size += kept.length;
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  text(): string {
    return this.bytes().toString("utf8");
  }
}
