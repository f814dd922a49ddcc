/**
 * The agent's apply_patch tool: parse (pure), plan every file's new content (reads only),
 * then write. Nothing is written unless every operation applies; a write that fails
 * midway restores the files already written.
 */
import path from "node:path";
import { chmod, mkdir, realpath, rm, writeFile } from "node:fs/promises";
import type { PatchFailure, PatchResult } from "./apply-patch-types.ts";
import { parsePatch } from "./apply-patch-parse.ts";
import { planPatch, type Entry } from "./apply-patch-plan.ts";

export type { Hunk, PatchFailure, PatchOp, PatchResult } from "./apply-patch-types.ts";
export { parsePatch } from "./apply-patch-parse.ts";

const UNCHANGED = "No files were changed; fix the patch and send it again.";

/** Applies a patch to the worktree at `root` (absolute). Never rejects. */
export async function applyPatch(root: string, text: string): Promise<PatchResult | PatchFailure> {
  const parsed = parsePatch(text);
  if (!parsed.ok) return { ok: false, error: `${parsed.error}\n${UNCHANGED}` };
  let planned: Awaited<ReturnType<typeof planPatch>>;
  try {
    planned = await planPatch(await realpath(root), parsed.ops);
  } catch (error) {
    return { ok: false, error: `apply_patch could not read the worktree: ${message(error)}\n${UNCHANGED}` };
  }
  if (!planned.ok) return { ok: false, error: `${planned.error}\n${UNCHANGED}` };
  const failure = await commit(planned.plan.entries);
  if (failure) return failure;
  return { ok: true, summary: planned.plan.summary.join("\n"), changed: planned.plan.changed };
}

async function commit(entries: readonly Entry[]): Promise<PatchFailure | undefined> {
  const dirty = entries.filter((entry) => entry.dirty);
  // Removals first, so a path freed by a delete or a move can be reused by the same patch.
  const ordered = [...dirty.filter((e) => e.after === null), ...dirty.filter((e) => e.after !== null)];
  const done: Entry[] = [];
  for (const entry of ordered) {
    try {
      await writeEntry(entry);
      done.push(entry);
    } catch (error) {
      const unrestored = await restore(done.reverse());
      const outcome = unrestored.length === 0
        ? "the files already written were restored"
        : `these files could not be restored: ${unrestored.join(", ")}`;
      return { ok: false, error: `writing '${entry.rel}' failed (${message(error)}); ${outcome}.` };
    }
  }
  return undefined;
}

async function writeEntry(entry: Entry): Promise<void> {
  if (entry.after === null) {
    if (entry.before.kind === "file") await rm(entry.abs);
    return;
  }
  await mkdir(path.dirname(entry.abs), { recursive: true });
  await writeFile(entry.abs, entry.after);
  if (entry.mode !== undefined) await chmod(entry.abs, entry.mode);
}

/** Puts written files back as they were; returns the paths it could not restore. */
async function restore(done: readonly Entry[]): Promise<string[]> {
  const unrestored: string[] = [];
  for (const entry of done) {
    try {
      if (entry.before.kind === "file") {
        await writeFile(entry.abs, entry.before.bytes);
        await chmod(entry.abs, entry.before.mode);
      } else {
        await rm(entry.abs, { force: true });
      }
    } catch {
      unrestored.push(entry.rel);
    }
  }
  return unrestored;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
