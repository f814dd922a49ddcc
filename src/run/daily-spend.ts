/**
 * A machine's spending per UTC day, for `--daily-usd`: an append-only ledger of one file
 * per day in the state dir, so a restart does not reset it and a `run --once` beside the
 * daemon counts too. Each line is one model request's cost: appends never lose another
 * writer's line, and a line cut short by a crash costs only itself.
 */
import { appendFile, mkdir, readFile, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { MIN_OUTPUT_TOKENS } from "../agent/budget.ts";
import { costOf, type ModelPrice } from "../agent/pricing.ts";
import type { Clock, SpendLimit, Usage } from "../agent/types.ts";
import { ConfigError } from "./errors.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Ledgers older than this are removed when the store opens. */
const KEEP_DAYS = 31;

export interface DailySpendSnapshot {
  /** The UTC day, YYYY-MM-DD. */
  day: string;
  capUsd: number;
  spentUsd: number;
  /** Set while the cap is reached: when queued tasks may start again. */
  blockedUntil?: string;
}

export interface DailySpend {
  readonly capUsd: number;
  /** Re-reads today's ledger (other processes of this machine write to it too). */
  refresh(): Promise<void>;
  /** US dollars left today, as last read or added; never negative. */
  leftUsd(): number;
  /** Records one request's cost; the total moves at once, the line is written in order. */
  add(usd: number, task: string): Promise<void>;
  /** Why a task needing at least `minUsd` must not start today, and when it may; undefined when it may. */
  blocked(minUsd?: number): { reason: string; resumesAt: number } | undefined;
  snapshot(): DailySpendSnapshot;
}

export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The first millisecond of the UTC day after the one `ms` is in. */
export function nextUtcDay(ms: number): number {
  return (Math.floor(ms / DAY_MS) + 1) * DAY_MS;
}

/** The sum of a ledger's lines; lines that do not parse (a write cut by a crash) are counted as unreadable. */
export function sumLedger(text: string): { usd: number; unreadable: number } {
  let usd = 0;
  let unreadable = 0;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const value = (JSON.parse(line) as { usd?: unknown }).usd;
      if (typeof value === "number" && Number.isFinite(value) && value >= 0) usd += value;
      else unreadable += 1;
    } catch {
      unreadable += 1;
    }
  }
  return { usd, unreadable };
}

/** Parses `--daily-usd` or GIT_CODEX_DAILY_USD: a positive amount of US dollars. */
export function parseDailyUsd(text: string, source: string): number {
  const value = Number(text.trim().replace(/^\$/, ""));
  if (text.trim() === "" || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError(`${source} "${text.slice(0, 40)}" is not a positive amount of US dollars`, `use a number such as ${source.startsWith("-") ? `${source} 5` : `${source}=5`} (five dollars a UTC day)`);
  }
  return value;
}

export function createDailySpend(options: { dir: string; capUsd: number; clock: Clock; onUnreadable?: (file: string, lines: number) => void }): DailySpend {
  const { dir, capUsd, clock } = options;
  let day = utcDay(clock.now());
  let spent = 0;
  /** Added here but not yet in the file: a read in between must not forget it. */
  let queued = 0;
  // Reads and appends take turns, so a read sees every earlier append and none of the later ones.
  let turns: Promise<unknown> = pruneOld(dir, clock.now());
  const inTurn = <T>(step: () => Promise<T>): Promise<T> => {
    const next = turns.catch(() => undefined).then(step);
    turns = next;
    return next;
  };
  // Another day began: yesterday's spending no longer counts.
  const roll = (): void => {
    const today = utcDay(clock.now());
    if (today !== day) [day, spent] = [today, 0];
  };
  const fileOf = (d: string): string => join(dir, `${d}.jsonl`);
  const left = (): number => {
    roll();
    return Math.max(0, capUsd - spent);
  };
  /** The day a task was last held back, so the snapshot says so even when a little money is left. */
  let heldOn: string | undefined;
  const blocked = (minUsd = 0): { reason: string; resumesAt: number } | undefined => {
    const remaining = left();
    if (remaining > 0 && remaining >= minUsd) {
      if (minUsd > 0) heldOn = undefined;
      return undefined;
    }
    heldOn = day;
    const resumesAt = nextUtcDay(clock.now());
    const what = remaining <= 0 ? "is reached" : `leaves $${remaining.toFixed(4)}, less than a task's first request may cost ($${minUsd.toFixed(4)})`;
    return { resumesAt, reason: `the daily spending cap of $${capUsd.toFixed(2)} ${what} ($${spent.toFixed(4)} spent on ${day} UTC); queued tasks wait until ${new Date(resumesAt).toISOString().slice(0, 16).replace("T", " ")} UTC` };
  };
  return {
    capUsd,
    refresh: () => inTurn(async () => {
      roll();
      const read = day;
      const text = await readFile(fileOf(read), "utf8").catch((error: NodeJS.ErrnoException) => (error.code === "ENOENT" ? "" : Promise.reject(error)));
      const sum = sumLedger(text);
      if (sum.unreadable > 0) options.onUnreadable?.(fileOf(read), sum.unreadable);
      if (read === day) spent = sum.usd + queued;
    }),
    leftUsd: left,
    async add(usd, task) {
      if (!(usd > 0)) return;
      roll();
      spent += usd;
      queued += usd;
      const line = JSON.stringify({ t: new Date(clock.now()).toISOString(), task, usd }) + "\n";
      const file = fileOf(day);
      await inTurn(async () => {
        try {
          await mkdir(dir, { recursive: true });
          await appendFile(file, line);
        } finally {
          queued -= usd;
        }
      });
    },
    blocked,
    snapshot() {
      const held = left() <= 0 || heldOn === day;
      return { day, capUsd, spentUsd: spent, ...(held ? { blockedUntil: new Date(nextUtcDay(clock.now())).toISOString() } : {}) };
    },
  };
}

/** Removes ledgers older than KEEP_DAYS; best effort: a leftover file is harmless. */
async function pruneOld(dir: string, now: number): Promise<void> {
  const oldest = utcDay(now - KEEP_DAYS * DAY_MS);
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.filter((name) => /^\d{4}-\d{2}-\d{2}\.jsonl$/.test(name) && name.slice(0, 10) < oldest).map((name) => rm(join(dir, name), { force: true }).catch(() => undefined)));
}

/** One task's side of the daily cap: its requests' costs go in the ledger, its budget is capped by what is left. */
export interface TaskSpending extends AsyncDisposable {
  record(usage: Usage): void;
  /** For the agent's budget checks; absent without a cap. */
  limit?: SpendLimit;
}

/** Disposing it waits until every recorded cost is in the ledger. */
export function taskSpending(ledger: DailySpend | undefined, input: { task: string; model: string; prices?: Readonly<Record<string, ModelPrice>>; onError: (error: unknown) => void }): TaskSpending {
  const pending: Promise<void>[] = [];
  return {
    record(usage) {
      const usd = ledger ? costOf(input.model, usage, input.prices) : undefined;
      if (ledger && usd !== undefined) pending.push(ledger.add(usd, input.task).catch(input.onError));
    },
    ...(ledger ? { limit: { label: `today's $${ledger.capUsd.toFixed(2)} daily cap`, leftUsd: () => ledger.leftUsd() } } : {}),
    async [Symbol.asyncDispose]() {
      await Promise.all(pending);
    },
  };
}

/** A first request of a few thousand tokens with the smallest answer worth asking for. */
const FIRST_REQUEST: Usage = { inputTokens: 4_000, cachedTokens: 0, outputTokens: MIN_OUTPUT_TOKENS };

/**
 * Whether a task may start under the cap: not when the day's money is spent, nor when what
 * is left would not pay for its first request (it would only fail at once). Reads the
 * ledger again first: another process of this machine may have spent meanwhile.
 */
export async function startBlocked(ledger: DailySpend, model: string, prices?: Readonly<Record<string, ModelPrice>>): Promise<{ reason: string; resumesAt: number } | undefined> {
  await ledger.refresh();
  return ledger.blocked(costOf(model, FIRST_REQUEST, prices) ?? 0);
}
