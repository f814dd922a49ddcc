import { posix } from "node:path";
import { isGitFolderName, pathLeadsTo, pathMatches } from "../tasks/path-glob.ts";

/** One changed path of a result, as src/git/tree-changes.ts reads it. */
export interface ScopeChange {
  /** git's status letter: A, M, D, T… */
  status: string;
  path: string;
  /** The new mode, e.g. 100644, 120000 (symlink), 160000 (nested repository); 000000 when deleted. */
  mode?: string;
  /** For a symlink, where it points. */
  linkTarget?: string;
}

export type ScopeVerdict = { ok: true } | { ok: false; problems: string[] };

interface Protected {
  pattern: string;
  why: string;
}

/**
 * Paths whose change takes effect before or outside review, so the agent may not touch
 * them unless the task allows it. `.gitignore` and AGENTS.md are ordinary files that
 * agents legitimately edit. Hook folders are here because a reviewer who checks the
 * branch out and commits runs them.
 */
export const PROTECTED_PATHS: readonly Protected[] = [
  { pattern: ".github/workflows/**", why: "CI workflows run with the repository's secrets as soon as the branch is pushed" },
  { pattern: ".github/actions/**", why: "actions run inside CI workflows" },
  { pattern: ".gitlab-ci.yml", why: "CI runs it as soon as the branch is pushed" },
  { pattern: ".circleci/**", why: "CI runs it as soon as the branch is pushed" },
  { pattern: "**/.gitmodules", why: "submodules fetch and check out other code" },
  { pattern: "**/.gitattributes", why: "attributes choose filters and diff drivers and can hide changes from review" },
  { pattern: ".lfsconfig", why: "git-lfs reads it as configuration" },
  { pattern: ".husky/**", why: "git hooks run on the machine of whoever commits next" },
  { pattern: ".githooks/**", why: "git hooks run on the machine of whoever commits next" },
  { pattern: ".codex-tasks.yml", why: "the task file decides what the bot does next" },
];

const MAX_PROBLEMS = 20;

/**
 * Judges what a result changes before it is committed: protected paths only when a glob
 * of `allow` covers them; never a `.git` folder, never a symlink that leaves the tree or
 * points into `.git`, whatever `allow` says.
 */
export function checkWriteScope(changes: readonly ScopeChange[], allow: readonly string[]): ScopeVerdict {
  const problems = changes.flatMap((change) => changeProblems(change, allow));
  if (problems.length === 0) return { ok: true };
  const shown = problems.slice(0, MAX_PROBLEMS);
  if (problems.length > MAX_PROBLEMS) shown.push(`… and ${problems.length - MAX_PROBLEMS} more`);
  return { ok: false, problems: shown };
}

function changeProblems(change: ScopeChange, allow: readonly string[]): string[] {
  const { path } = change;
  const what = `${describeStatus(change.status)} ${quote(path)}`;
  if (path.split("/").some(isGitFolderName)) return [`${what}: paths inside a .git folder are never written, and allow: cannot change that`];
  const problems: string[] = [];
  const isLink = change.mode === "120000";
  if (isLink) problems.push(...linkProblems(path, change.linkTarget ?? ""));
  const allowed = (p: string): boolean => allow.some((glob) => pathMatches(glob, p));
  // A symlink at `.github` would put its target's files at `.github/workflows/…`.
  const hit = PROTECTED_PATHS.find(({ pattern }) => pathMatches(pattern, path) || (isLink && pathLeadsTo(pattern, path)));
  if (hit !== undefined && !allowed(path)) {
    problems.push(`${what}: protected by ${quote(hit.pattern)} (${hit.why}); to allow it, add allow: [${quote(hit.pattern)}] to the task in .codex-tasks.yml (or under defaults:)`);
  }
  if (change.mode === "160000" && !allowed(path)) {
    problems.push(`${what}: adds a nested repository (a submodule entry); remove it, or add allow: [${quote(path)}] to the task in .codex-tasks.yml`);
  }
  return problems;
}

function linkProblems(path: string, target: string): string[] {
  const what = `symlink ${quote(path)} → ${quote(target)}`;
  // Windows reads a backslash as a folder separator; judge the target as it would.
  const normal = target.replaceAll("\\", "/");
  if (normal.startsWith("/") || /^[A-Za-z]:/.test(normal)) return [`${what}: points to an absolute path; symlinks must stay inside the repository, and allow: cannot change that`];
  const resolved = posix.normalize(posix.join(posix.dirname(path), normal));
  if (resolved === ".." || resolved.startsWith("../")) return [`${what}: points outside the repository; symlinks must stay inside it, and allow: cannot change that`];
  if (resolved.split("/").some(isGitFolderName)) return [`${what}: points into a .git folder, and allow: cannot change that`];
  return [];
}

function describeStatus(status: string): string {
  const words: Record<string, string> = { A: "adds", M: "changes", D: "deletes", T: "changes the type of", R: "renames", C: "copies" };
  return words[status.charAt(0)] ?? "changes";
}

function quote(text: string): string {
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);
}
