import { createHash } from "node:crypto";
import type { Clock } from "../agent/types.ts";
import { assertNotOption, type Git } from "../git/runner.ts";
import { assertPollOptions, pollDelay } from "./poll-delay.ts";

export interface PollRemoteOptions {
  git: Git;
  /** Remote name or URL, as given to `git ls-remote`. */
  remote: string;
  intervalMs: number;
  /** ± fraction applied to every wait. Default 0.2. */
  jitter?: number;
  /** Longest wait after failures. Default 10 minutes. */
  maxBackoffMs?: number;
  clock: Clock;
  /** Default Math.random. */
  random?: () => number;
  /** "remote" when the remote's refs changed, "remote-recovered" after failures. */
  onChange: (reason: string) => void;
  /** Once per failed poll, with the wait before the next one. */
  onError?: (err: unknown, nextDelayMs: number) => void;
  /** On the first successful poll after failures. */
  onRecover?: () => void;
  /**
   * True when every ref that changed in the listing (ref → new sha, null: gone) is this
   * process's own push (see own-writes.ts): no trigger for those.
   */
  explains?: (changed: [string, string | null][]) => boolean;
  signal: AbortSignal;
}

const LS_REMOTE_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_BACKOFF_MS = 10 * 60_000;
const PATTERNS = ["refs/heads/*", "refs/codex/*"];

/**
 * Notices pushes made elsewhere: lists the remote's branches and task refs every interval
 * and triggers when that list changes. The first poll only records what is there. One
 * poll at a time; failures back off exponentially and a recovery triggers a catch-up.
 * Resolves when `signal` aborts.
 */
export async function pollRemote(options: PollRemoteOptions): Promise<void> {
  const { clock, signal } = options;
  const jitter = options.jitter ?? 0.2;
  const maxBackoffMs = options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS;
  assertPollOptions(options.intervalMs, jitter, maxBackoffMs);
  const args = ["ls-remote", "--", assertNotOption(options.remote, "remote"), ...PATTERNS];
  let seen: Extract<Listing, { ok: true }> | undefined;
  let failures = 0;
  while (!signal.aborted) {
    const result = await unlessAborted(listRefs(options.git, args, signal), signal);
    if (result === undefined) return;
    if (result.ok) {
      if (failures > 0) {
        options.onRecover?.();
        options.onChange("remote-recovered");
      } else if (seen !== undefined && result.fingerprint !== seen.fingerprint && !options.explains?.(changedRefs(seen.refs, result.refs))) {
        options.onChange("remote");
      }
      seen = result;
      failures = 0;
    } else {
      failures += 1;
    }
    const delay = pollDelay({ intervalMs: options.intervalMs, failures, jitter, maxBackoffMs, random: options.random ?? Math.random });
    if (!result.ok) options.onError?.(result.error, delay);
    try {
      await clock.sleep(delay, signal);
    } catch (err) {
      if (signal.aborted) return;
      throw err;
    }
  }
}

type Listing = { ok: true; fingerprint: string; refs: Map<string, string> } | { ok: false; error: unknown };

// `run` rather than `probe`: its GitError is scrubbed by the runner's redactor (a token
// in the remote URL can show up in git's message).
async function listRefs(git: Git, args: readonly string[], signal: AbortSignal): Promise<Listing> {
  try {
    const text = await git.run(args, { timeoutMs: LS_REMOTE_TIMEOUT_MS, signal });
    return { ok: true, fingerprint: fingerprintOf(text), refs: parseListing(text) };
  } catch (error) {
    return { ok: false, error };
  }
}

function parseListing(text: string): Map<string, string> {
  const refs = new Map<string, string>();
  for (const line of text.split("\n")) {
    const tab = line.indexOf("\t");
    if (tab > 0) refs.set(line.slice(tab + 1), line.slice(0, tab));
  }
  return refs;
}

/** Refs whose sha differs between two listings (null: gone from the newer). */
export function changedRefs(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): [string, string | null][] {
  const changed: [string, string | null][] = [];
  for (const [ref, sha] of after) if (before.get(ref) !== sha) changed.push([ref, sha]);
  for (const ref of before.keys()) if (!after.has(ref)) changed.push([ref, null]);
  return changed;
}

/** The same refs at the same commits give the same fingerprint, whatever the order. */
export function fingerprintOf(lsRemoteOutput: string): string {
  const lines = lsRemoteOutput.split("\n").filter((line) => line !== "").sort();
  return createHash("sha256").update(lines.join("\n")).digest("hex");
}

// The poll stops waiting at once; the ls-remote itself is killed through the call's signal.
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(undefined);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}
