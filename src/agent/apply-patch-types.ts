/**
 * Data shapes of the apply_patch tool (Codex's "*** Begin Patch" format). Parsing produces
 * `PatchOp`s; applying them produces a `PatchResult` or a `PatchFailure` whose `error` is
 * written for the model, which reads it and resends a corrected patch.
 */

/** One `@@` section of an Update File operation. */
export interface Hunk {
  /** Texts of the `@@ …` lines that locate the hunk, outermost first; may be empty. */
  headers: string[];
  /** Context and removed lines, in file order: what must be found in the file. */
  oldLines: string[];
  /** Context and added lines, in file order: what replaces `oldLines`. */
  newLines: string[];
  /**
   * For each of `newLines`, the index in `oldLines` of the context line it repeats, or -1
   * for an added line: context keeps the file's own text when matching was fuzzy.
   */
  contextOf: number[];
  /** `*** End of File` followed the hunk: `oldLines` should end the file. */
  endOfFile: boolean;
  /** 1-based line in the patch text where the hunk starts, for error messages. */
  line: number;
}

export type PatchOp =
  | { type: "add"; path: string; content: string; line: number }
  | { type: "delete"; path: string; line: number }
  | { type: "update"; path: string; moveTo?: string; hunks: Hunk[]; line: number };

export interface PatchResult {
  ok: true;
  /** One line per operation, like `git status --short`: "A new.txt\nM app.ts\nD old.txt". */
  summary: string;
  /** Relative paths written or removed, each once, in patch order. */
  changed: string[];
}

export interface PatchFailure {
  ok: false;
  error: string;
}
