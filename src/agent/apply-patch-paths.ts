/**
 * Keeps every path of a patch inside the worktree: a pure syntax check at parse time, then
 * a filesystem check that follows symlinks, since a link in the tree could otherwise carry
 * a write outside the worktree or into `.git`.
 */
import path from "node:path";
import { lstat, realpath, stat } from "node:fs/promises";
import type { PatchFailure } from "./apply-patch-types.ts";
import { quote } from "./apply-patch-text.ts";

export type PathCheck = { ok: true; path: string } | { ok: false; reason: string };

/** Normalises a path from the patch, or says why it is refused. Pure. */
export function checkRelativePath(raw: string): PathCheck {
  const refuse = (reason: string): PathCheck => ({ ok: false, reason: `path ${quote(raw)} ${reason}` });
  if (raw.includes("\0")) return refuse("contains a NUL byte");
  if (path.posix.isAbsolute(raw) || /^[A-Za-z]:[\\/]/.test(raw) || raw.startsWith("\\")) {
    return refuse("is absolute; use a path relative to the repository root");
  }
  if (raw === "~" || raw.startsWith("~/")) return refuse("starts with '~', which is not expanded; use a path relative to the repository root");
  const norm = path.posix.normalize(raw);
  if (norm === "." || norm === "./") return refuse("does not name a file");
  if (norm === ".." || norm.startsWith("../")) return refuse("leads outside the repository root");
  if (norm.endsWith("/")) return refuse("names a directory, not a file");
  if (hasGitComponent(norm)) return refuse("is inside .git, which apply_patch may not touch");
  return { ok: true, path: norm };
}

function hasGitComponent(rel: string): boolean {
  // Case-insensitive because macOS and Windows filesystems are.
  return rel.split(/[\\/]/).some((part) => part.toLowerCase() === ".git");
}

/**
 * Resolves `rel` (already checked) under `rootReal` (a realpath). The nearest existing
 * ancestor, or the path itself, is resolved with realpath and must stay inside the root,
 * outside `.git`, and be a directory if it is an ancestor.
 */
export async function resolveInRoot(rootReal: string, rel: string): Promise<{ ok: true; abs: string } | PatchFailure> {
  const abs = path.join(rootReal, rel);
  const fail = (reason: string): PatchFailure => ({ ok: false, error: `${quote(rel)}: ${reason}` });
  for (let p = abs; p.startsWith(rootReal); p = path.dirname(p)) {
    const real = await realpathIfExists(p);
    if (typeof real === "object") return fail(`cannot resolve ${quote(p)} (${real.code})`);
    if (real === undefined) {
      // realpath says missing but lstat sees it: a dangling symlink, whose target a write would create.
      if (await existsAsLink(p)) return fail(`${quote(path.relative(rootReal, p))} is a symbolic link to a missing target`);
      continue;
    }
    const inside = path.relative(rootReal, real);
    if (inside === ".." || inside.startsWith(`..${path.sep}`) || path.isAbsolute(inside)) {
      return fail(`resolves through a symbolic link to ${quote(real)}, outside the repository root`);
    }
    if (hasGitComponent(inside)) return fail("resolves through a symbolic link into .git, which apply_patch may not touch");
    if (p !== abs && !(await stat(real)).isDirectory()) {
      return fail(`${quote(path.relative(rootReal, p))} is a file, not a directory`);
    }
    return { ok: true, abs };
  }
  return fail("could not be resolved inside the repository root");
}

async function realpathIfExists(p: string): Promise<string | undefined | { code: string }> {
  try {
    return await realpath(p);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    return code === "ENOENT" || code === "ENOTDIR" ? undefined : { code };
  }
}

async function existsAsLink(p: string): Promise<boolean> {
  try {
    return (await lstat(p)).isSymbolicLink();
  } catch {
    return false;
  }
}
