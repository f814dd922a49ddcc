import { createTranscript, redactDeep, type NewEntry, type Transcript } from "../transcript.ts";
import type { AgentEvent, Clock, Item, PlanStep, Usage, VerifyResult } from "../types.ts";

/** Everything one external agent run accumulates over its rounds; owned by one call. */
export interface ExternalRun {
  transcript: Transcript;
  usage: Usage;
  /** Turns the backend completed (Codex `turn.completed`; one per round for plain text). */
  turns: number;
  plan: PlanStep[];
  /** The backend's last agent message: the final message of the run. */
  lastMessage?: string;
  /** The last error the backend reported (`turn.failed`, `error`), cleared by a turn that completes. */
  failure?: string;
  verify: VerifyResult;
  verifyRuns: number;
  started: number;
  /** Max characters of one command's output in the transcript. */
  maxOutputChars: number;
  emit(event: AgentEvent): void;
  elapsedMs(): number;
}

export interface ExternalRunInput {
  clock: Clock;
  redact: (text: string) => string;
  maxOutputChars: number;
  maxTranscriptChars: number;
  onEvent?: (event: AgentEvent) => void;
}

export function newExternalRun(input: ExternalRunInput): ExternalRun {
  const started = input.clock.now();
  return {
    transcript: cappedTranscript(createTranscript(input.clock, input.redact), input.maxTranscriptChars),
    usage: { inputTokens: 0, outputTokens: 0, cachedTokens: 0 },
    turns: 0,
    plan: [],
    verify: "skipped",
    verifyRuns: 0,
    started,
    maxOutputChars: input.maxOutputChars,
    // Plans and tool summaries go to live progress (a PR body): scrubbed like the transcript.
    emit: (event) => input.onEvent?.(redactDeep(event, input.redact)),
    elapsedMs: () => input.clock.now() - started,
  };
}

/** Records one item of the turn in progress. */
export function addItem(run: ExternalRun, item: Item): void {
  run.transcript.add({ type: "item", turn: run.turns + 1, item });
}

export function addNote(run: ExternalRun, text: string): void {
  run.transcript.add({ type: "note", text });
}

/**
 * A transcript that stops taking items and notes once they reach `maxChars` (an agent that
 * prints without end must not grow the state ref without end), and says so once. Usage,
 * plan, verify and stop entries are small and always kept.
 */
export function cappedTranscript(inner: Transcript, maxChars: number): Transcript {
  let used = 0;
  let capped = false;
  return {
    entries: inner.entries,
    add(entry: NewEntry) {
      if (entry.type === "item" || entry.type === "note") {
        const size = JSON.stringify(entry).length;
        if (capped || used + size > maxChars) {
          if (!capped) inner.add({ type: "note", text: `the transcript reached ${maxChars} characters: later items and notes of the agent are left out` });
          capped = true;
          return;
        }
        used += size;
      }
      inner.add(entry);
    },
  };
}
