import { describeValue } from "./describe.ts";
import { isGitFolderName } from "./path-glob.ts";
import { fieldProblem } from "./scope.ts";
import type { Scope } from "./scope.ts";
import type { Problem } from "./types.ts";

const HINT = `paths from the repository root, e.g. allow: [".github/workflows/**"]`;
const MAX_GLOB_LENGTH = 200;

/** Validates `allow:`, the protected paths a result may change; undefined when any entry is bad. */
export function validateAllow(raw: unknown, scope: Scope, problems: Problem[]): string[] | undefined {
  if (!Array.isArray(raw)) {
    problems.push(fieldProblem(scope, ["allow"], `allow in ${scope.label} must be a list of path globs, got ${describeValue(raw)}`, HINT));
    return undefined;
  }
  const bad = raw.flatMap((glob: unknown, i): Problem[] => {
    const reason = globProblem(glob);
    if (reason === undefined) return [];
    const message = `allow entry ${i + 1} in ${scope.label} ${reason}: ${describeValue(glob)}`;
    return [fieldProblem(scope, ["allow", String(i)], message, HINT)];
  });
  problems.push(...bad);
  return bad.length === 0 ? raw.map((glob) => String(glob).trim()) : undefined;
}

function globProblem(glob: unknown): string | undefined {
  if (typeof glob !== "string" || glob.trim() === "") return "is not a path glob";
  const text = glob.trim();
  if (text.length > MAX_GLOB_LENGTH) return `is longer than ${MAX_GLOB_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(text)) return "holds a control character";
  if (text.startsWith("/")) return "must be relative to the repository root, without a leading /";
  if (text.includes("\\")) return "must use / between folders";
  if (text.startsWith("!")) return "cannot be a negation; list only what is allowed";
  const names = text.split("/");
  if (names.some((name) => name === "." || name === "..")) return `must not contain "." or ".." folders`;
  if (names.some(isGitFolderName)) return "names a .git folder, which is never written";
  return undefined;
}
