import { CronPattern } from "croner";

/** Why `expression` is not a 5-field cron expression, or undefined when it is one. */
export function cronProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  // croner also takes nicknames (@daily) and seconds; the task file promises five fields.
  if (fields.length !== 5) return `it has ${fields.length} field${fields.length === 1 ? "" : "s"}, not 5`;
  try {
    new CronPattern(fields.join(" "), undefined, { mode: "5-part" });
    return undefined;
  } catch (error) {
    return (error instanceof Error ? error.message : String(error)).replace(/^CronPattern:\s*/, "").replace(/^./, (c) => c.toLowerCase());
  }
}
