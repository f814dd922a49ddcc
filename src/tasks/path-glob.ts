/**
 * Repository path globs, as `allow:` and the write scope's protected list use them.
 *
 * Our own small matcher rather than node's `path.matchesGlob`: that one is still
 * experimental in Node 24 (it prints a warning), never lets `*` or `**` match a name that
 * starts with a dot (so `.github/workflows/**` would miss `.github/workflows/.x.yml`), and
 * cannot ignore case, which checkouts on macOS and Windows do.
 *
 * - A pattern is anchored at the repository root and uses `/` between folders.
 * - `*` matches any run of characters inside one name, dots included; `?` one character.
 * - `**` as a whole name matches any number of folders, none included (`**\/.gitattributes`
 *   is the file in every folder).
 * - A pattern that matches a folder matches everything under it (`.husky` = `.husky/**`).
 * - Letters compare without regard to case.
 */

/** True when `path` (or a folder above it) matches `pattern`. */
export function pathMatches(pattern: string, path: string): boolean {
  return match(split(pattern), 0, split(path), 0);
}

/**
 * True when `path` is a folder above the fixed start of `pattern` (the names before the
 * first wildcard): a symlink at `.github` stands for `.github/workflows`. Patterns that
 * start with a wildcard (`**\/.gitattributes`) lead nowhere in particular.
 */
export function pathLeadsTo(pattern: string, path: string): boolean {
  const fixed: string[] = [];
  for (const name of split(pattern)) {
    if (/[*?]/.test(name)) break;
    fixed.push(name);
  }
  const names = split(path);
  return names.length < fixed.length && names.every((name, i) => name.toLowerCase() === fixed[i]?.toLowerCase());
}

function split(text: string): string[] {
  return text.split("/").filter((name) => name !== "");
}

function match(pattern: readonly string[], i: number, path: readonly string[], j: number): boolean {
  // The pattern is used up: the path is what it names, or lies under it.
  if (i === pattern.length) return true;
  // The path is used up first: only a trailing `**` may still match nothing.
  if (j === path.length) return pattern.slice(i).every((name) => name === "**");
  const name = pattern[i] ?? "";
  if (name === "**") {
    for (let k = j; k <= path.length; k++) if (match(pattern, i + 1, path, k)) return true;
    return false;
  }
  return nameRegExp(name).test(path[j] ?? "") && match(pattern, i + 1, path, j + 1);
}

function nameRegExp(name: string): RegExp {
  let source = "";
  for (const char of name) {
    if (char === "*") source += "[^/]*";
    else if (char === "?") source += "[^/]";
    else source += char.replace(/[\\^$.|+()[\]{}]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "iu");
}

// Characters HFS+ ignores in names, so `.g\u200cit` is `.git` on a Mac.
const IGNORED_BY_HFS = /[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/gu;

/**
 * True for a name that is, or that some filesystem reads as, the `.git` folder: any case,
 * trailing dots and spaces (Windows drops them), `git~1` (its short name) and characters
 * that macOS ignores.
 */
export function isGitFolderName(name: string): boolean {
  const plain = name.replace(IGNORED_BY_HFS, "").replace(/[. ]+$/, "").toLowerCase();
  return plain === ".git" || plain === "git~1";
}
