/**
 * Applies the hunks of one Update File operation to the file's text. Pure: the caller
 * reads and writes. A hunk that does not apply yields an error meant for the model: which
 * hunk, what it looked for, and what the file holds nearest to it.
 */
import type { Hunk, PatchFailure } from "./apply-patch-types.ts";
import { joinFile, splitFile } from "./apply-patch-file-text.ts";
import { describeNearest } from "./apply-patch-nearest.ts";
import { seekHeader, seekLines } from "./apply-patch-seek.ts";
import { excerpt, hunkLabel, quote } from "./apply-patch-text.ts";

interface Edit {
  start: number;
  remove: number;
  insert: readonly string[];
}

type Located = { ok: true; edit: Edit } | { ok: false; missingHeader?: string; after: number };

export function applyHunks(text: string, hunks: readonly Hunk[], path: string): { ok: true; content: string } | PatchFailure {
  if (text.includes("\0")) return { ok: false, error: `'${path}' looks binary; apply_patch edits text files only.` };
  const file = splitFile(text);
  const edits: Edit[] = [];
  let cursor = 0;
  for (const [index, hunk] of hunks.entries()) {
    const located = locate(file.lines, hunk, cursor);
    // Hunks should come in file order; one that only matches earlier is still taken if it
    // does not overlap an edit already made.
    const fallback = located.ok ? located : locate(file.lines, hunk, 0);
    if (!fallback.ok || overlaps(fallback.edit, edits)) {
      return { ok: false, error: hunkError({ path, index, count: hunks.length, hunk, lines: file.lines, failure: located }) };
    }
    edits.push(fallback.edit);
    cursor = Math.max(cursor, fallback.edit.start + fallback.edit.remove);
  }
  return { ok: true, content: joinFile({ ...file, lines: splice(file.lines, edits) }) };
}

function locate(lines: readonly string[], hunk: Hunk, cursor: number): Located {
  let at = cursor;
  for (const header of hunk.headers) {
    const found = seekHeader(lines, header, at);
    if (found === undefined) return { ok: false, missingHeader: header, after: at };
    at = found + 1;
  }
  if (hunk.oldLines.length === 0) {
    // A pure insertion goes right below its headers, or at the end of the file without any.
    const start = hunk.headers.length > 0 && !hunk.endOfFile ? at : lines.length;
    return { ok: true, edit: { start, remove: 0, insert: hunk.newLines } };
  }
  const found = seekLines(lines, hunk.oldLines, at, hunk.endOfFile);
  if (found !== undefined) return { ok: true, edit: { start: found, remove: hunk.oldLines.length, insert: replacement(lines, found, hunk) } };
  // A blank line that separated hunks in the patch parses as empty context; retry without it.
  if (hunk.oldLines.length > 1 && hunk.oldLines.at(-1) === "" && hunk.newLines.at(-1) === "") {
    const shorter = (list: readonly string[]) => list.slice(0, -1);
    const trimmed = { ...hunk, headers: [], oldLines: shorter(hunk.oldLines), newLines: shorter(hunk.newLines), contextOf: hunk.contextOf.slice(0, -1) };
    const retry = locate(lines, trimmed, at);
    if (retry.ok) return retry;
  }
  return { ok: false, after: at };
}

/** Context lines keep the file's own text, so a fuzzy match does not rewrite their whitespace. */
function replacement(lines: readonly string[], start: number, hunk: Hunk): string[] {
  return hunk.newLines.map((line, k) => {
    const old = hunk.contextOf[k] ?? -1;
    return old >= 0 ? (lines[start + old] ?? line) : line;
  });
}

function overlaps(edit: Edit, edits: readonly Edit[]): boolean {
  return edits.some((other) => edit.start < other.start + other.remove && other.start < edit.start + edit.remove);
}

function splice(lines: readonly string[], edits: readonly Edit[]): string[] {
  // A stable sort keeps two insertions at the same line in patch order.
  const ordered = [...edits].sort((a, b) => a.start - b.start);
  let out: string[] = [];
  let pos = 0;
  for (const edit of ordered) {
    out = out.concat(lines.slice(pos, edit.start), edit.insert);
    pos = edit.start + edit.remove;
  }
  return out.concat(lines.slice(pos));
}

interface HunkErrorInput {
  path: string;
  index: number;
  count: number;
  hunk: Hunk;
  lines: readonly string[];
  failure: Located;
}

function hunkError({ path, index, count, hunk, lines, failure }: HunkErrorInput): string {
  const after = failure.ok ? 0 : failure.after;
  const where = after > 0 ? ` at or after line ${after + 1}` : "";
  const title = `'${path}': ${hunkLabel(hunk.headers, index)} of ${count} (patch line ${hunk.line}) does not apply.`;
  if (!failure.ok && failure.missingHeader !== undefined) {
    return [
      title,
      `Could not find the line named by the header ${quote(`@@ ${failure.missingHeader}`)}${where}.`,
      describeNearest(lines, [failure.missingHeader], path),
    ].join("\n");
  }
  const eof = hunk.endOfFile ? " (anchored by '*** End of File')" : "";
  return [
    title,
    `Could not find its context and removed lines${where}${eof}:`,
    excerpt(hunk.oldLines),
    describeNearest(lines, hunk.oldLines, path),
    "Context (' ') and removed ('-') lines must match the file; re-read it before retrying.",
  ].join("\n");
}
