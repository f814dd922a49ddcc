import { describeValue } from "./describe.ts";
import { isGitFolderName } from "./path-glob.ts";
import { fieldProblem } from "./scope.ts";
import type { Scope } from "./scope.ts";
import type { Problem, TaskSettings } from "./types.ts";

/** `workdir:` (where the agent starts, the leaf of the AGENTS.md chain) and `memory:` (the repository's memory on or off). */
export const WORKDIR_SETTINGS_KEYS = ["workdir", "memory"] as const;

const HINT = "a folder relative to the repository root, e.g. workdir: packages/api";
const MAX_LENGTH = 200;

/** Validates `workdir:` and `memory:` where present; other keys are the caller's business. */
export function validateWorkdirSettings(raw: Record<string, unknown>, scope: Scope, problems: Problem[]): Pick<TaskSettings, "workdir" | "memory"> {
  const settings: Pick<TaskSettings, "workdir" | "memory"> = {};
  if (Object.hasOwn(raw, "workdir")) {
    const reason = workdirProblem(raw.workdir);
    if (reason === undefined) settings.workdir = normalizeWorkdir(raw.workdir as string);
    else problems.push(fieldProblem(scope, ["workdir"], `workdir in ${scope.label} ${reason}: ${describeValue(raw.workdir)}`, HINT));
  }
  if (Object.hasOwn(raw, "memory")) {
    if (typeof raw.memory === "boolean") settings.memory = raw.memory;
    else problems.push(fieldProblem(scope, ["memory"], `memory in ${scope.label} must be true or false, got ${describeValue(raw.memory)}`, "memory: false runs the task without the repository's memory and its remember tool"));
  }
  return settings;
}

/** `a/./b/` → `a/b`; the root (".", "./") → "". Only for a value workdirProblem accepted. */
export function normalizeWorkdir(workdir: string): string {
  return workdir.trim().split("/").filter((name) => name !== "" && name !== ".").join("/");
}

function workdirProblem(value: unknown): string | undefined {
  if (typeof value !== "string" || value.trim() === "") return "must be a folder path";
  const text = value.trim();
  if (text.length > MAX_LENGTH) return `is longer than ${MAX_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(text)) return "holds a control character";
  if (text.startsWith("/") || text.startsWith("~") || /^[A-Za-z]:/.test(text)) return "must be relative to the repository root";
  if (text.includes("\\")) return "must use / between folders";
  const names = text.split("/");
  if (names.includes("..")) return `must stay inside the repository (no ".." folders)`;
  if (names.some(isGitFolderName)) return "names a .git folder";
  return undefined;
}
