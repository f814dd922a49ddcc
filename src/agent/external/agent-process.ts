import { spawn } from "node:child_process";
import type { Launch } from "../types.ts";
import { groupKiller } from "../../util/process.ts";

const STDERR_TAIL_CHARS = 4000;

export interface AgentProcessOptions {
  launch: Launch;
  /** Written to stdin, then closed: the prompt. */
  input: string;
  /** Written to fd 3 and closed (see secret-env.ts); no fd 3 when undefined. */
  fd3?: string;
  timeoutMs: number;
  /** Stops the process: the task's abort, or a budget the caller saw run out. */
  signals: readonly AbortSignal[];
  onStdout(chunk: Buffer): void;
}

export interface AgentProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** One of `signals` fired. */
  stopped: boolean;
  /** The last few KB of stderr, unredacted: the caller scrubs it. */
  stderrTail: string;
  spawnError?: string;
}

/**
 * Runs an agent CLI to its end, streaming stdout to the caller. Like the one process runner
 * (src/util/process.ts) it never rejects and works on the whole process group: on timeout
 * or a stop, SIGTERM, then SIGKILL after a grace period; whatever is left of the group goes
 * when the agent exits. Inside bubblewrap, `--die-with-parent` takes the sandbox with it.
 */
export function runAgentProcess(options: AgentProcessOptions): Promise<AgentProcessResult> {
  const { launch } = options;
  return new Promise((resolve) => {
    let stderr = "";
    let timedOut = false;
    let stopped = false;
    let settled = false;
    const stdio: ("pipe" | "ignore")[] = options.fd3 === undefined ? ["pipe", "pipe", "pipe"] : ["pipe", "pipe", "pipe", "pipe"];
    const child = spawn(launch.file, launch.args, { cwd: launch.cwd, env: launch.env, stdio, detached: true });
    const group = groupKiller(child);
    const stop = (): void => group.stop();
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, Math.max(0, options.timeoutMs));
    const onStop = (): void => {
      stopped = true;
      stop();
    };
    for (const signal of options.signals) signal.addEventListener("abort", onStop, { once: true });
    if (options.signals.some((signal) => signal.aborted)) onStop();
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null, spawnError?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      for (const s of options.signals) s.removeEventListener("abort", onStop);
      group.reap();
      resolve({ exitCode, signal, timedOut, stopped, stderrTail: stderr, ...(spawnError === undefined ? {} : { spawnError }) });
    };
    child.stdout?.on("data", (chunk: Buffer) => options.onStdout(chunk));
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-STDERR_TAIL_CHARS);
    });
    child.on("error", (error) => finish(null, null, error.message));
    // An agent that exits but left a child holding its stdout is done: its group goes.
    child.on("exit", () => group.kill("SIGKILL"));
    child.on("close", (code, signal) => finish(code, signal));
    writeAndClose(child.stdin, options.input);
    if (options.fd3 !== undefined) writeAndClose(child.stdio[3] as NodeJS.WritableStream | null, options.fd3);
  });
}

function writeAndClose(stream: NodeJS.WritableStream | null | undefined, text: string): void {
  if (!stream) return;
  // An agent that exits without reading all of its input: its exit status tells the story.
  stream.on("error", () => undefined);
  stream.end(text);
}
