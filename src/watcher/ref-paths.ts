import { join, relative, sep } from "node:path";

// Under refs/ only these namespaces can hold a task or a commit the bot should look at.
// Everything else (tags, notes, and the bot's own refs/codex-remote/ and refs/codex-outbox/,
// which it writes itself) is left out so its own writes do not wake it up.
const WATCHED_NAMESPACES = new Set(["heads", "remotes", "codex"]);

/** What to hand chokidar for one git directory: its refs tree and its packed-refs file. */
export function refWatchPaths(gitDir: string): string[] {
  return [join(gitDir, "refs"), join(gitDir, "packed-refs")];
}

/**
 * True for a path the ref watcher must not report: lock files (git writes `x.lock`, then
 * renames it to `x`; the rename is what counts) and anything under `refs/` outside the
 * watched namespaces. Paths outside every `<gitDir>/refs` (packed-refs, the folders above
 * the roots) are kept.
 */
export function isIgnoredRefPath(gitDirs: readonly string[], path: string): boolean {
  if (path.endsWith(".lock")) return true;
  for (const gitDir of gitDirs) {
    const inside = relative(join(gitDir, "refs"), path);
    if (inside === "") return false;
    if (inside.startsWith("..") || inside.startsWith(sep)) continue;
    return !WATCHED_NAMESPACES.has(inside.split(sep)[0] ?? "");
  }
  return false;
}
