/**
 * Parses Codex's apply_patch format into operations. Pure: it touches no file, but it
 * checks path syntax so a bad path is reported with its line number. Every error names
 * the patch line and quotes it, since the model must find and fix that line.
 */
import type { PatchFailure, PatchOp } from "./apply-patch-types.ts";
import { BEGIN_PATCH, END_PATCH, MOVE_TO, OPERATIONS, invalid, isMarker, unwrapPatch, type PatchLine } from "./apply-patch-envelope.ts";
import { parseHunks } from "./apply-patch-parse-hunks.ts";
import { checkRelativePath } from "./apply-patch-paths.ts";
import { quote } from "./apply-patch-text.ts";

const EXPECTED_OPERATION = "'*** Add File: <path>', '*** Update File: <path>' or '*** Delete File: <path>'";

type Step = { ok: true; op: PatchOp; next: number } | PatchFailure;

export function parsePatch(text: string): { ok: true; ops: PatchOp[] } | PatchFailure {
  const envelope = unwrapPatch(text);
  if (!envelope.ok) return envelope;
  const body = envelope.body;
  const ops: PatchOp[] = [];
  for (let i = 0; i < body.length; ) {
    if (body[i]?.text.trim() === "") {
      i++;
      continue;
    }
    const step = parseOperation(body, i);
    if (!step.ok) return step;
    ops.push(step.op);
    i = step.next;
  }
  if (ops.length === 0) return invalid(`no file operations between '${BEGIN_PATCH}' and '${END_PATCH}'; expected ${EXPECTED_OPERATION}`);
  return { ok: true, ops };
}

function parseOperation(body: PatchLine[], i: number): Step {
  const line = body[i] as PatchLine;
  const trimmed = line.text.trim();
  const match = OPERATIONS.find(([prefix]) => trimmed.startsWith(prefix));
  if (!match) return invalid(`line ${line.no}: expected ${EXPECTED_OPERATION}, got ${quote(line.text)}`);
  const checked = checkPath(line, trimmed.slice(match[0].length));
  if (!checked.ok) return checked;
  if (match[1] === "delete") return { ok: true, op: { type: "delete", path: checked.path, line: line.no }, next: i + 1 };
  return match[1] === "add" ? parseAdd(body, i, checked.path) : parseUpdate(body, i, checked.path);
}

function checkPath(line: PatchLine, raw: string): { ok: true; path: string } | PatchFailure {
  const trimmed = raw.trim();
  if (trimmed === "") return invalid(`line ${line.no}: missing path in ${quote(line.text)}`);
  const checked = checkRelativePath(trimmed);
  return checked.ok ? checked : invalid(`line ${line.no}: ${checked.reason}`);
}

function parseAdd(body: PatchLine[], i: number, path: string): Step {
  const content: string[] = [];
  let j = i + 1;
  for (; j < body.length; j++) {
    const { text, no } = body[j] as PatchLine;
    if (text.startsWith("+")) content.push(text.slice(1));
    // Models often drop the '+' of an empty line; keep it when more added lines follow.
    else if (text.trim() === "" && nextNonBlank(body, j)?.text.startsWith("+")) content.push("");
    else if (text.trim() === "" || isMarker(text)) break;
    else return invalid(`line ${no}: every line of an added file must start with '+'; got ${quote(text)} in '*** Add File: ${path}'`);
  }
  const text = content.length > 0 ? `${content.join("\n")}\n` : "";
  return { ok: true, op: { type: "add", path, content: text, line: body[i]?.no ?? 0 }, next: j };
}

function nextNonBlank(body: PatchLine[], j: number): PatchLine | undefined {
  return body.slice(j + 1).find((line) => line.text.trim() !== "");
}

function parseUpdate(body: PatchLine[], i: number, path: string): Step {
  const header = body[i] as PatchLine;
  let j = i + 1;
  let moveTo: string | undefined;
  const move = body[j];
  if (move && move.text.trim().startsWith(MOVE_TO)) {
    const checked = checkPath(move, move.text.trim().slice(MOVE_TO.length));
    if (!checked.ok) return checked;
    if (checked.path !== path) moveTo = checked.path;
    j++;
  }
  const parsed = parseHunks(body, j, path);
  if (!parsed.ok) return parsed;
  if (parsed.hunks.length === 0 && moveTo === undefined) {
    return invalid(`line ${header.no}: ${quote(header.text)} has no hunks; follow it with '@@' and lines starting with ' ', '-' or '+'`);
  }
  const op: PatchOp = { type: "update", path, hunks: parsed.hunks, line: header.no, ...(moveTo === undefined ? {} : { moveTo }) };
  return { ok: true, op, next: parsed.next };
}
