import { quote } from "./describe.ts";
import type { Problem } from "./types.ts";
import type { DuplicateKey } from "./yaml-source.ts";

/** `key "model" is defined twice in defaults (lines 2 and 5)` */
export function duplicateProblem(duplicate: DuplicateKey, where: string): Problem {
  const { key, lines, path, line, column } = duplicate;
  const subject = path.length === 1 && path[0] === "tasks" ? `task key ${quote(key)}` : `key ${quote(key)}`;
  const inWhere = path.length === 1 && path[0] === "tasks" ? "" : ` in ${where}`;
  return {
    message: `${subject}${inWhere} is defined ${times(lines)}`,
    path: [...path, key].join("."),
    line,
    column,
    hint: "keep one of them; until then none of them counts",
  };
}

function times(lines: number[]): string {
  const count = lines.length === 2 ? "twice" : `${lines.length} times`;
  const list = `${lines.slice(0, -1).join(", ")} and ${lines.at(-1)}`;
  return `${count} (lines ${list})`;
}
