import type { Problem } from "./types.ts";

/** Where a node is: `key` for the key of a mapping entry, `value` for what follows the colon. */
export type Locate = (path: readonly string[], at: "key" | "value") => { line?: number; column?: number };

/** `.codex-tasks.yml:5:5: unknown key "promt" in task "fix-bug" (did you mean "prompt"?)` */
export function formatProblem(fileName: string, p: Problem): string {
  const place = p.line === undefined ? fileName : `${fileName}:${p.line}:${p.column ?? 1}`;
  return `${place}: ${p.message}${p.hint === undefined ? "" : ` (${p.hint})`}`;
}

/** Builds a Problem placed at `path` in the document. */
export function problemAt(
  locate: Locate,
  path: readonly string[],
  message: string,
  options: { hint?: string; at?: "key" | "value" } = {},
): Problem {
  const problem: Problem = { message, path: path.join("."), ...locate(path, options.at ?? "value") };
  if (options.hint !== undefined) problem.hint = options.hint;
  return problem;
}

/** Problems in the order a person reads the file: top to bottom, left to right. */
export function byPosition(problems: Problem[]): Problem[] {
  return problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
