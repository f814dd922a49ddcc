import { quote } from "./describe.ts";
import { closestName } from "./did-you-mean.ts";
import { problemAt } from "./problem.ts";
import type { Locate } from "./problem.ts";
import type { Problem } from "./types.ts";

/** The mapping being validated: where it is and how messages name it. */
export interface Scope {
  /** Path of the mapping, e.g. `["tasks", "fix-bug"]`. */
  path: readonly string[];
  /** How a message names the mapping, e.g. `task "fix-bug"` or `defaults`. */
  label: string;
  locate: Locate;
}

/** A Problem about `field` (a path relative to the scope). */
export function fieldProblem(scope: Scope, field: readonly string[], message: string, hint?: string, at: "key" | "value" = "value"): Problem {
  return problemAt(scope.locate, [...scope.path, ...field], message, hint === undefined ? { at } : { hint, at });
}

/**
 * One Problem per key of `raw` that is not in `allowed`, with a did-you-mean hint, or the
 * `misplaced` hint for keys that are valid elsewhere (`prompt` under defaults).
 */
export function unknownKeys(
  raw: Record<string, unknown>,
  allowed: readonly string[],
  scope: Scope,
  misplaced: Readonly<Record<string, string>> = {},
): Problem[] {
  const problems: Problem[] = [];
  for (const key of Object.keys(raw)) {
    if (allowed.includes(key)) continue;
    const hint = Object.hasOwn(misplaced, key) ? misplaced[key] : suggest(key, allowed, misplaced);
    problems.push(fieldProblem(scope, [key], `unknown key ${quote(key)} in ${scope.label}`, hint, "key"));
  }
  return problems;
}

function suggest(key: string, allowed: readonly string[], misplaced: Readonly<Record<string, string>>): string {
  const name = closestName(key, [...allowed, ...Object.keys(misplaced)]);
  if (name === undefined) return `allowed keys: ${allowed.join(", ")}`;
  const elsewhere = Object.hasOwn(misplaced, name) ? `; ${misplaced[name]}` : "";
  return `did you mean "${name}"?${elsewhere}`;
}
