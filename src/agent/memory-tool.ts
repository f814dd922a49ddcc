import type { AgentTool, ToolOutcome } from "./types.ts";

/** A note is a line or a short bullet of markdown, not a document. */
export const NOTE_MAX_CHARS = 500;
export const NOTE_MAX_LINES = 6;
/** What one run may add to the memory, so that a run cannot flood what every later run reads. */
export const RUN_MAX_NOTES = 5;
export const RUN_MAX_CHARS = 1500;

export interface RememberOptions {
  /**
   * The caller's last check of a well-formed note (secret scan, redaction): the text to
   * keep, or why the note is refused. The agent sees git and secrets never, so this comes from the top.
   */
  screen(note: string): { note: string } | { refused: string };
  /** The memory as loaded for this run: duplicates are not taken twice. */
  existing: string;
  /** Set when the memory is already at its cap: no note is taken until a person tidies it. */
  full?: string;
}

export interface RememberTool {
  tool: AgentTool;
  /** The notes taken so far, in order; the bot commits them after the run. */
  notes(): readonly string[];
}

/**
 * The `remember` tool: the agent proposes a short note for the repository's memory. Notes
 * are only collected here; after the run the bot commits them, outside the sandbox, as one
 * commit on the memory branch that people review like any other.
 */
export function createRememberTool(options: RememberOptions): RememberTool {
  const taken: string[] = [];
  const refuse = (why: string): ToolOutcome => ({ output: `remember: not kept: ${why}`, summary: `remember: refused (${why.slice(0, 60)})` });
  const tool: AgentTool = {
    spec: {
      name: "remember",
      description:
        "Proposes a short note for the repository's memory (MEMORY.md on the memory branch), which every later run reads. " +
        `One lasting fact per call (a build quirk, a convention, where something lives), at most ${NOTE_MAX_CHARS} characters and ${NOTE_MAX_LINES} lines; ` +
        "never secrets or details of this task only. The notes are committed for review after the run.",
      parameters: {
        type: "object",
        properties: { note: { type: "string", description: "The note: one line, or a few lines of markdown." } },
        required: ["note"],
        additionalProperties: false,
      },
    },
    async run(args) {
      if (options.full) return refuse(options.full);
      const checked = checkNote(args.note);
      if (typeof checked !== "string") return refuse(checked.problem);
      if (taken.length >= RUN_MAX_NOTES) return refuse(`a run may add at most ${RUN_MAX_NOTES} notes`);
      const used = taken.reduce((sum, note) => sum + note.length, 0);
      if (used + checked.length > RUN_MAX_CHARS) return refuse(`a run may add at most ${RUN_MAX_CHARS} characters of notes`);
      if (taken.includes(checked) || options.existing.includes(checked)) return { output: "remember: the memory already says this.", summary: "remember: duplicate" };
      const screened = options.screen(checked);
      if ("refused" in screened) return refuse(screened.refused);
      taken.push(screened.note);
      return { output: "remember: noted; the bot commits it to the memory branch after the run, for review.", summary: `remember: ${screened.note.split("\n")[0]?.slice(0, 60)}` };
    },
  };
  return { tool, notes: () => [...taken] };
}

/** The note, normalised (trimmed lines, \n endings), or why it is not a note. */
export function checkNote(raw: unknown): string | { problem: string } {
  if (typeof raw !== "string") return { problem: '"note" must be a string' };
  const note = raw.replace(/\r\n?/g, "\n").split("\n").map((line) => line.trimEnd()).join("\n").trim();
  if (note === "") return { problem: "the note is empty" };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(note)) return { problem: "the note holds control characters" };
  if (note.length > NOTE_MAX_CHARS) return { problem: `the note has ${note.length} characters; at most ${NOTE_MAX_CHARS}` };
  if (note.split("\n").length > NOTE_MAX_LINES) return { problem: `the note has more than ${NOTE_MAX_LINES} lines` };
  return note;
}
