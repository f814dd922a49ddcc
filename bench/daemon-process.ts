import { spawn, type ChildProcess } from "node:child_process";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { startScriptedServer, type ScriptedServer } from "../src/demo/scripted-server.ts";
import { runProcess } from "../src/util/process.ts";

/** The sources, as in development (`--daemon-cli src/cli.ts`). */
export const SOURCE_CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
/** What an installed `git-codex` runs (bin/git-codex.js imports it): the benches' default; `npm run bench` builds it first. */
export const BUILT_CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

/** ` --daemon-cli PATH` when git-codex is not the build, for the command lines printed. */
export function cliFlag(cli: string): string {
  return cli === BUILT_CLI ? "" : ` --daemon-cli ${relative(process.cwd(), cli)}`;
}

export type LogLine = Record<string, unknown> & { msg?: unknown; time?: unknown };

export interface DaemonProcess {
  child: ChildProcess;
  pid: number;
  /** Every JSON line of stderr so far, with the bench's own arrival time added as `arrivedAt`. */
  lines: LogLine[];
  /** The first line from index `from` on that matches, or a rejection after `timeoutMs`. */
  waitFor(match: (line: LogLine) => boolean, options?: { timeoutMs?: number; from?: number }): Promise<LogLine>;
  /** SIGTERM, then SIGKILL when it has not exited after 10 s. */
  stop(): Promise<void>;
}

/** Starts `node <cli> watch …args` (cli: src/cli.ts unless given) with JSON logs on stderr and follows them. */
export function startWatch(args: string[], options: { cwd: string; env: Record<string, string | undefined>; cli?: string }): DaemonProcess {
  const child = spawn(process.execPath, [options.cli ?? SOURCE_CLI, "watch", ...args], {
    cwd: options.cwd,
    env: { ...options.env, GIT_CODEX_LOG_FORMAT: "json" } as NodeJS.ProcessEnv,
    stdio: ["ignore", "ignore", "pipe"],
  });
  if (child.pid === undefined) throw new Error("could not start git-codex watch");
  const lines: LogLine[] = [];
  const waiters = new Set<() => void>();
  let buffer = "";
  let exited = false;
  const closed = new Promise<void>((resolve) => child.on("close", () => {
    exited = true;
    for (const wake of waiters) wake();
    resolve();
  }));
  child.stderr?.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    let newline: number;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const text = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      try {
        lines.push({ ...(JSON.parse(text) as LogLine), arrivedAt: Date.now() });
      } catch {
        continue;
      }
    }
    for (const wake of waiters) wake();
  });
  const waitFor: DaemonProcess["waitFor"] = (match, { timeoutMs = 30_000, from = 0 } = {}) =>
    new Promise((resolve, reject) => {
      let next = from;
      const check = (): void => {
        for (; next < lines.length; next++) {
          const line = lines[next] as LogLine;
          if (match(line)) return done(() => resolve(line));
        }
        if (exited) done(() => reject(new Error(`git-codex watch exited; last lines:\n${tail(lines)}`)));
      };
      const done = (settle: () => void): void => {
        clearTimeout(timer);
        waiters.delete(check);
        settle();
      };
      const timer = setTimeout(() => done(() => reject(new Error(`no matching log line within ${timeoutMs} ms; last lines:\n${tail(lines)}`))), timeoutMs);
      waiters.add(check);
      check();
    });
  return {
    child, pid: child.pid, lines, waitFor,
    async stop() {
      if (exited) return;
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await closed;
      clearTimeout(killer);
    },
  };
}

function tail(lines: LogLine[]): string {
  return lines.slice(-8).map((l) => JSON.stringify(l)).join("\n");
}

/** The instant scripted model of every bench: one apply_patch that adds bench.txt, then a final message. */
export function startInstantModel(): Promise<ScriptedServer> {
  return startScriptedServer({
    script: ({ body }) => JSON.stringify(body.input).includes("function_call_output")
      ? { text: "Added the file." }
      : { toolCalls: [{ name: "apply_patch", arguments: { input: "*** Begin Patch\n*** Add File: bench.txt\n+bench\n*** End Patch" } }] },
  });
}

/** Runs a command to success or throws with its output. */
export async function must(file: string, args: string[], options: { cwd: string; env: Record<string, string | undefined> }): Promise<void> {
  const result = await runProcess(file, args, options);
  if (result.exitCode !== 0) throw new Error(`${file} ${args.join(" ")} failed: ${result.stderr}${result.stdout}`);
}

/** Wall-clock milliseconds (epoch), sub-millisecond, comparable with pino's `time`. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
