import type { Clock, TranscriptEntry } from "./types.ts";

/** A TranscriptEntry before it gets its timestamp. */
export type NewEntry = TranscriptEntry extends infer E ? (E extends TranscriptEntry ? Omit<E, "t"> : never) : never;

export interface Transcript {
  readonly entries: TranscriptEntry[];
  add(entry: NewEntry): void;
}

/**
 * Collects transcript entries, passing every string in them through `redact` on the way
 * in: the transcript is pushed to the remote, so nothing may enter it unscrubbed.
 */
export function createTranscript(clock: Clock, redact: (text: string) => string): Transcript {
  const entries: TranscriptEntry[] = [];
  return {
    entries,
    add(entry) {
      const t = new Date(clock.now()).toISOString();
      entries.push({ t, ...redactDeep(entry, redact) } as TranscriptEntry);
    },
  };
}

/** Copies `value` with `redact` applied to each string in it, at any depth. */
export function redactDeep<T>(value: T, redact: (text: string) => string): T {
  if (typeof value === "string") return redact(value) as T;
  if (Array.isArray(value)) return value.map((entry: unknown) => redactDeep(entry, redact)) as T;
  if (value !== null && typeof value === "object") {
    const copy: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value)) copy[key] = redactDeep(entry, redact);
    return copy as T;
  }
  return value;
}
