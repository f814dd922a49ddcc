import { readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";

const URL_WITH_SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;

/**
 * The absolute path a remote URL points to when git would read it from this machine's
 * disk (`/abs`, `../rel`, `file:///abs`); undefined for network URLs (`https://`,
 * `ssh://`, scp-like `git@host:x`) and remote helpers (`ext::…`). Pure: no filesystem.
 */
export function localRemotePath(url: string, cwd: string): string | undefined {
  if (url === "") return undefined;
  const scheme = URL_WITH_SCHEME.exec(url);
  if (scheme) {
    if (scheme[1]?.toLowerCase() !== "file") return undefined;
    const rest = url.slice(scheme[0].length);
    // file://host/path names another machine's disk; only file:///path is local.
    return rest.startsWith("/") ? resolve(decodePercent(rest)) : undefined;
  }
  // git's rule: a colon before the first slash makes it scp-like (host:path) or a helper.
  const colon = url.indexOf(":");
  const slash = url.indexOf("/");
  if (colon >= 0 && (slash < 0 || colon < slash)) return undefined;
  return isAbsolute(url) ? resolve(url) : resolve(cwd, url);
}

/**
 * The git directory to watch for a remote URL, or undefined when the remote is not on
 * this disk. Looks where git looks (`p/.git`, `p`, `p.git/.git`, `p.git`), follows a
 * `.git` file (`gitdir: …`) and a worktree's `commondir`. A path that does not exist is
 * returned as is: the remote may come back.
 */
export function localRemoteGitDir(url: string, cwd: string): string | undefined {
  const path = localRemotePath(url, cwd);
  if (path === undefined) return undefined;
  for (const candidate of [`${path}/.git`, path, `${path}.git/.git`, `${path}.git`]) {
    const kind = kindOf(candidate);
    if (kind === "directory") return commonDir(candidate);
    if (kind === "file") {
      const target = readGitFile(candidate);
      if (target !== undefined) return commonDir(target);
    }
  }
  return path;
}

function kindOf(path: string): "file" | "directory" | undefined {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (stats?.isDirectory()) return "directory";
  return stats?.isFile() ? "file" : undefined;
}

function readGitFile(path: string): string | undefined {
  const match = /^gitdir: (.+)$/m.exec(readFileSync(path, "utf8"));
  return match?.[1] === undefined ? undefined : resolve(dirname(path), match[1].trim());
}

// A linked worktree's git dir keeps its refs in the main repository's (common) git dir.
function commonDir(gitDir: string): string {
  if (kindOf(`${gitDir}/commondir`) !== "file") return gitDir;
  return resolve(gitDir, readFileSync(`${gitDir}/commondir`, "utf8").trim());
}

function decodePercent(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
