import { spawnCli, type SpawnedCli } from "./spawn-cli.ts";

export interface Daemon extends SpawnedCli {
  /** Resolves with the first JSON log line matching `match`, or rejects after `timeoutMs`. */
  waitForLog(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  lines: Record<string, unknown>[];
  /** Calls `listener` with every JSON log line from now on; returns the unsubscribe function. */
  onLine(listener: (line: Record<string, unknown>) => void): () => void;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | string }>;
}

/** Starts `git-codex watch` as a real process and follows its JSON logs. */
export function startDaemon(args: string[], options: { cwd: string; env: Record<string, string | undefined> }): Daemon {
  const spawned = spawnCli(["watch", ...args], options);
  const lines: Record<string, unknown>[] = [];
  const waiters = new Set<{ match: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }>();
  const listeners = new Set<(line: Record<string, unknown>) => void>();
  let buffer = "";
  spawned.child.stderr?.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    let newline: number;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const text = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        continue;
      }
      lines.push(line);
      for (const waiter of waiters) if (waiter.match(line)) waiter.resolve(line);
      for (const listener of listeners) listener(line);
    }
  });
  return {
    ...spawned,
    lines,
    waitForLog(match, timeoutMs = 20_000) {
      const seen = lines.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = { match, resolve: (l: Record<string, unknown>) => { clearTimeout(timer); waiters.delete(waiter); resolve(l); } };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching log line within ${timeoutMs} ms; last lines:\n${lines.slice(-8).map((l) => JSON.stringify(l)).join("\n")}`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    onLine(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop(signal = "SIGTERM") {
      if (spawned.child.exitCode === null && spawned.child.signalCode === null) spawned.child.kill(signal);
      return spawned.done;
    },
  };
}

export const finished = (task: RegExp) => (line: Record<string, unknown>) => line.msg === "task finished" && task.test(String(line.task));

/**
 * Resolves once the daemons together have logged `count` lines matching `match` (lines
 * already seen count too), or rejects after `timeoutMs` with each daemon's last lines.
 */
export function waitForTotal(daemons: readonly Daemon[], match: (line: Record<string, unknown>) => boolean, count: number, timeoutMs: number): Promise<number> {
  const total = (): number => daemons.reduce((sum, d) => sum + d.lines.filter(match).length, 0);
  if (total() >= count) return Promise.resolve(total());
  return new Promise((resolve, reject) => {
    const unsubscribe: (() => void)[] = [];
    const end = (): void => {
      clearTimeout(timer);
      for (const u of unsubscribe) u();
    };
    const timer = setTimeout(() => {
      end();
      const tails = daemons.map((d, i) => `daemon ${i}:\n${d.lines.slice(-6).map((l) => JSON.stringify(l)).join("\n")}`).join("\n");
      reject(new Error(`${total()} of ${count} matching log lines within ${timeoutMs} ms; last lines:\n${tails}`));
    }, timeoutMs);
    for (const daemon of daemons) {
      unsubscribe.push(daemon.onLine((line) => {
        if (!match(line)) return;
        const n = total();
        if (n < count) return;
        end();
        resolve(n);
      }));
    }
  });
}
