/**
 * Turns parsed operations into the final content of every file they touch, reading the
 * worktree but writing nothing, so that a patch either applies whole or not at all. Later
 * operations see the results of earlier ones (add then update the same file works).
 */
import { readFile, stat } from "node:fs/promises";
import type { Hunk, PatchFailure, PatchOp } from "./apply-patch-types.ts";
import { applyHunks } from "./apply-patch-hunks.ts";
import { resolveInRoot } from "./apply-patch-paths.ts";

type Disk = { kind: "file"; bytes: Buffer; mode: number } | { kind: "missing" } | { kind: "other" };

/** One file's state before the patch and after it; `dirty` entries get written. */
export interface Entry {
  rel: string;
  abs: string;
  before: Disk;
  after: string | Buffer | null;
  /** Permission bits to set after writing, for a file moved to a new path. */
  mode?: number;
  dirty: boolean;
}

export interface Plan {
  entries: Entry[];
  /** `git status --short`-like lines, one per operation. */
  summary: string[];
  /** Relative paths touched, in patch order, each once. */
  changed: string[];
}

type Failure = PatchFailure;

export async function planPatch(rootReal: string, ops: readonly PatchOp[]): Promise<{ ok: true; plan: Plan } | Failure> {
  const entries = new Map<string, Entry>();
  const load = async (rel: string): Promise<Entry | Failure> => {
    const resolved = await resolveInRoot(rootReal, rel);
    if (!resolved.ok) return resolved;
    const known = entries.get(resolved.abs);
    if (known) return known;
    const before = await readDisk(resolved.abs);
    const entry: Entry = { rel, abs: resolved.abs, before, after: before.kind === "file" ? before.bytes : null, dirty: false };
    entries.set(resolved.abs, entry);
    return entry;
  };
  const summary: string[] = [];
  for (const op of ops) {
    const line = await planOperation(op, load);
    if (typeof line !== "string") return line;
    summary.push(line);
  }
  const changed = [...new Set(ops.flatMap((op) => (op.type === "update" && op.moveTo ? [op.path, op.moveTo] : [op.path])))];
  return { ok: true, plan: { entries: [...entries.values()], summary, changed } };
}

type Load = (rel: string) => Promise<Entry | Failure>;

/** Plans one operation; returns its summary line. */
async function planOperation(op: PatchOp, load: Load): Promise<string | Failure> {
  const entry = await load(op.path);
  if ("ok" in entry) return entry;
  if (op.type === "add") {
    if (state(entry) !== "missing") return fail(op.path, `cannot add: ${describe(entry)} already exists; use '*** Update File:' to change it`);
    setAfter(entry, op.content);
    return `A ${op.path}`;
  }
  if (state(entry) !== "file") return fail(op.path, `cannot ${op.type === "delete" ? "delete" : "update"}: ${state(entry) === "missing" ? "no such file" : "not a regular file"}`);
  if (op.type === "delete") {
    setAfter(entry, null);
    return `D ${op.path}`;
  }
  const content = updatedContent(entry, op.hunks, op.path);
  if (typeof content !== "string" && !Buffer.isBuffer(content)) return content;
  if (op.moveTo === undefined) {
    setAfter(entry, content);
    return `M ${op.path}`;
  }
  const target = await load(op.moveTo);
  if ("ok" in target) return target;
  if (state(target) !== "missing") return fail(op.moveTo, `cannot move '${op.path}' here: ${describe(target)} already exists; delete it first`);
  setAfter(entry, null);
  setAfter(target, content);
  if (entry.before.kind === "file") target.mode = entry.before.mode;
  return `R ${op.path} -> ${op.moveTo}`;
}

function updatedContent(entry: Entry, hunks: readonly Hunk[], path: string): string | Buffer | Failure {
  const current = entry.after ?? "";
  // A pure rename keeps the bytes, so it works for binary and non-UTF-8 files too.
  if (hunks.length === 0) return current;
  let text: string;
  try {
    text = typeof current === "string" ? current : new TextDecoder("utf-8", { fatal: true }).decode(current);
  } catch {
    return fail(path, "is not valid UTF-8 text; apply_patch edits UTF-8 text files only");
  }
  const applied = applyHunks(text, hunks, path);
  return applied.ok ? applied.content : applied;
}

function state(entry: Entry): "file" | "missing" | "other" {
  if (entry.before.kind === "other" && !entry.dirty) return "other";
  return entry.after === null ? "missing" : "file";
}

function describe(entry: Entry): string {
  return state(entry) === "other" ? "a directory or special file" : "a file";
}

function setAfter(entry: Entry, after: string | Buffer | null): void {
  entry.after = after;
  entry.dirty = true;
}

function fail(path: string, reason: string): Failure {
  return { ok: false, error: `'${path}': ${reason}` };
}

async function readDisk(abs: string): Promise<Disk> {
  try {
    const info = await stat(abs);
    if (!info.isFile()) return { kind: "other" };
    return { kind: "file", bytes: await readFile(abs), mode: info.mode & 0o7777 };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { kind: "missing" };
    throw error;
  }
}
