/**
 * The patch's markers, and the body between `*** Begin Patch` and `*** End Patch`, found
 * while forgiving what models add around it: CRLF, surrounding blank lines, padded markers
 * and a shell heredoc wrapper (`<<'EOF'` … `EOF`) copied from a shell invocation. Pure.
 */
import type { PatchFailure } from "./apply-patch-types.ts";
import { quote } from "./apply-patch-text.ts";

export const BEGIN_PATCH = "*** Begin Patch";
export const END_PATCH = "*** End Patch";
export const OPERATIONS = [
  ["*** Add File:", "add"],
  ["*** Update File:", "update"],
  ["*** Delete File:", "delete"],
] as const;
export const MOVE_TO = "*** Move to:";
export const END_OF_FILE = "*** End of File";
const MARKERS = [...OPERATIONS.map(([prefix]) => prefix), MOVE_TO, END_OF_FILE, END_PATCH];

/** One line of the patch with its 1-based number in the text the model sent. */
export interface PatchLine {
  text: string;
  no: number;
}

const HEREDOC_START = /^(?:apply_patch\s+)?<<-?\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1$/;

export function unwrapPatch(text: string): { ok: true; body: PatchLine[] } | PatchFailure {
  let lines = trimBlank(text.replace(/^\uFEFF/, "").split(/\r?\n/).map((t, i) => ({ text: t, no: i + 1 })));
  const first = lines[0];
  const last = lines.at(-1);
  if (first === undefined || last === undefined) {
    return invalid(`the patch is empty; it must start with '${BEGIN_PATCH}' and end with '${END_PATCH}'`);
  }
  const heredoc = HEREDOC_START.exec(first.text.trim());
  if (heredoc && lines.length > 2 && last.text.trim() === heredoc[2]) lines = trimBlank(lines.slice(1, -1));
  const begin = lines[0];
  const end = lines.at(-1);
  if (begin === undefined || end === undefined || begin.text.trim() !== BEGIN_PATCH) {
    const line = begin ?? first;
    return invalid(`line ${line.no}: expected '${BEGIN_PATCH}' as the first line, got ${quote(line.text)}`);
  }
  if (lines.length < 2 || end.text.trim() !== END_PATCH) {
    return invalid(`line ${end.no}: expected '${END_PATCH}' as the last line, got ${quote(end.text)}`);
  }
  return { ok: true, body: lines.slice(1, -1) };
}

/** A marker line ends the current section; padded markers are accepted, as Codex does. */
export function isMarker(text: string): boolean {
  const trimmed = text.trim();
  return text.startsWith("*") || MARKERS.some((marker) => trimmed.startsWith(marker));
}

export function invalid(message: string): PatchFailure {
  return { ok: false, error: `invalid patch: ${message}` };
}

function trimBlank(lines: PatchLine[]): PatchLine[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start]?.text.trim() === "") start++;
  while (end > start && lines[end - 1]?.text.trim() === "") end--;
  return lines.slice(start, end);
}
