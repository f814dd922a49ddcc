/**
 * Parses the `@@` hunks of one Update File operation. Pure. A hunk may start without `@@`
 * and may carry several `@@` headers, each narrowing where its lines are looked for.
 */
import type { Hunk, PatchFailure } from "./apply-patch-types.ts";
import { END_OF_FILE, invalid, isMarker, type PatchLine } from "./apply-patch-envelope.ts";
import { hunkLabel, quote } from "./apply-patch-text.ts";

/** Parses hunks from `body[start]` up to the next marker line; `next` is that line's index. */
export function parseHunks(body: PatchLine[], start: number, path: string): { ok: true; hunks: Hunk[]; next: number } | PatchFailure {
  const hunks: Hunk[] = [];
  let current: Hunk | undefined;
  let j = start;
  for (; j < body.length; j++) {
    const { text, no } = body[j] as PatchLine;
    if (text.trim() === END_OF_FILE) {
      if (!current || !hasLines(current)) return invalid(`line ${no}: '${END_OF_FILE}' must follow the lines of a hunk in '*** Update File: ${path}'`);
      current.endOfFile = true;
      current = undefined;
      continue;
    }
    if (isMarker(text)) break;
    // git's "\ No newline at end of file", copied from a diff, carries no content.
    if (text.startsWith("\\ ")) continue;
    if (!current || (text.startsWith("@@") && hasLines(current))) {
      current = { headers: [], oldLines: [], newLines: [], contextOf: [], endOfFile: false, line: no };
      hunks.push(current);
    }
    if (text.startsWith("@@")) {
      const header = headerText(text);
      if (header !== "") current.headers.push(header);
    } else if (!addHunkLine(current, text)) {
      return invalid(`line ${no}: hunk lines must start with ' ' (context), '-' (removed) or '+' (added); got ${quote(text)} in '*** Update File: ${path}'`);
    }
  }
  const empty = hunks.findIndex((hunk) => !hasLines(hunk));
  if (empty >= 0) {
    const hunk = hunks[empty] as Hunk;
    return invalid(`line ${hunk.line}: ${hunkLabel(hunk.headers, empty)} of '${path}' has no lines`);
  }
  return { ok: true, hunks, next: j };
}

/** The text after `@@`, also accepting a unified-diff range ("@@ -3,7 +3,8 @@ fn main") that models copy from git. */
function headerText(line: string): string {
  return line
    .slice(2)
    .trim()
    .replace(/^-\d+(?:,\d+)?\s+\+\d+(?:,\d+)?\s*@@\s*/, "")
    .replace(/^@@$/, "");
}

function addHunkLine(hunk: Hunk, text: string): boolean {
  const kind = text.charAt(0);
  const rest = text.slice(1);
  // A wholly empty line is an empty context line whose leading space was lost.
  if (kind === "" || kind === " ") {
    hunk.contextOf.push(hunk.oldLines.push(rest) - 1);
    hunk.newLines.push(rest);
  } else if (kind === "-") hunk.oldLines.push(rest);
  else if (kind === "+") {
    hunk.newLines.push(rest);
    hunk.contextOf.push(-1);
  } else return false;
  return true;
}

function hasLines(hunk: Hunk): boolean {
  return hunk.oldLines.length > 0 || hunk.newLines.length > 0;
}
