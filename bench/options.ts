/**
 * The bench's command line, parsed and checked before anything runs: a bad value is a
 * usage error naming the flag, never a half-finished run.
 */
import { parseArgs } from "node:util";

export const PARTS = ["overhead", "intake", "throughput", "loop", "pickup", "idle"] as const;
export type Part = (typeof PARTS)[number];

export interface BenchOptions {
  parts: Part[];
  quick: boolean;
  /** The large fixture (overhead, intake). */
  files: number;
  commits: number;
  /** Measured rounds of the overhead part (after one warm-up); also the intake repetitions. */
  runs: number;
  /** Throughput: tasks pushed, concurrency values, and its moderate fixture. */
  tasks: number;
  concurrency: number[];
  throughputFiles: number;
  throughputCommits: number;
  turns: number;
  idleSeconds: number;
  daemonCli?: string;
  freshFixture: boolean;
  out: string;
}

export class BenchUsageError extends Error {}

// The sizes, and small ones for a smoke run (--quick).
const FULL = { files: 50_000, commits: 100_000, runs: 5, tasks: 100, concurrency: "1,2,4", throughputFiles: 2000, throughputCommits: 1000, turns: 40, idleSeconds: 60 };
const QUICK = { files: 2000, commits: 2000, runs: 2, tasks: 8, concurrency: "1,2", throughputFiles: 500, throughputCommits: 100, turns: 10, idleSeconds: 10 };

function whole(flag: string, text: string, min: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min) throw new BenchUsageError(`--${flag} must be a whole number of at least ${min}, not "${text}"`);
  return n;
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        only: { type: "string" }, quick: { type: "boolean", default: false },
        files: { type: "string" }, commits: { type: "string" }, runs: { type: "string" },
        tasks: { type: "string" }, concurrency: { type: "string" },
        "throughput-files": { type: "string" }, "throughput-commits": { type: "string" },
        turns: { type: "string" }, "idle-seconds": { type: "string" },
        "daemon-cli": { type: "string" }, "fresh-fixture": { type: "boolean", default: false },
        out: { type: "string", default: "bench/results/latest.md" },
      },
    });
  } catch (error) {
    throw new BenchUsageError(error instanceof Error ? error.message : String(error));
  }
  const v = parsed.values;
  const d = v.quick ? QUICK : FULL;
  const parts = v.only === undefined ? [...PARTS] : v.only.split(",").map((p) => p.trim());
  for (const part of parts) {
    if (!(PARTS as readonly string[]).includes(part)) throw new BenchUsageError(`--only takes ${PARTS.join(", ")} (comma-separated), not "${part}"`);
  }
  const concurrency = (v.concurrency ?? d.concurrency).split(",").map((c) => whole("concurrency", c, 1));
  return {
    parts: parts as Part[],
    quick: v.quick,
    files: whole("files", v.files ?? String(d.files), 1),
    commits: whole("commits", v.commits ?? String(d.commits), 2),
    runs: whole("runs", v.runs ?? String(d.runs), 1),
    tasks: whole("tasks", v.tasks ?? String(d.tasks), 1),
    concurrency,
    throughputFiles: whole("throughput-files", v["throughput-files"] ?? String(d.throughputFiles), 1),
    throughputCommits: whole("throughput-commits", v["throughput-commits"] ?? String(d.throughputCommits), 2),
    turns: whole("turns", v.turns ?? String(d.turns), 2),
    idleSeconds: whole("idle-seconds", v["idle-seconds"] ?? String(d.idleSeconds), 1),
    ...(v["daemon-cli"] === undefined ? {} : { daemonCli: v["daemon-cli"] }),
    freshFixture: v["fresh-fixture"],
    out: v.out,
  };
}
