import { describeValue, isMapping, quote } from "./describe.ts";
import { didYouMean } from "./did-you-mean.ts";
import { fieldProblem, unknownKeys } from "./scope.ts";
import type { Scope } from "./scope.ts";
import type { AgentSetting, Problem, TaskSettings } from "./types.ts";

/** The settings keys of the agent backend and best-of-N, as written in the task file. */
export const AGENT_SETTINGS_KEYS = ["agent", "attempts"] as const;

const NAMED = ["builtin", "codex"] as const;
const FORMATS = ["codex-json", "text"] as const;
const COMMAND_KEYS = ["command", "format"] as const;
export const MAX_ATTEMPTS = 5;
const MAX_ARGS = 64;
const MAX_ARG_LENGTH = 4096;
const EXAMPLE = `agent: builtin | codex | { command: ["my-agent", "--json"], format: codex-json | text }`;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Validates `agent:` and `attempts:` where present; other keys are the caller's business. */
export function validateAgentSettings(raw: Record<string, unknown>, scope: Scope, problems: Problem[]): Pick<TaskSettings, "agent" | "attempts"> {
  const settings: Pick<TaskSettings, "agent" | "attempts"> = {};
  if (Object.hasOwn(raw, "agent")) {
    const agent = validateAgent(raw.agent, scope, problems);
    if (agent !== undefined) settings.agent = agent;
  }
  if (Object.hasOwn(raw, "attempts")) {
    const value = raw.attempts;
    if (typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= MAX_ATTEMPTS) settings.attempts = value;
    else {
      const message = `attempts in ${scope.label} must be a whole number from 1 to ${MAX_ATTEMPTS}, got ${describeValue(value)}`;
      problems.push(fieldProblem(scope, ["attempts"], message, "attempts: 3 runs three attempts in parallel; the first that passes verify wins"));
    }
  }
  return settings;
}

function validateAgent(raw: unknown, scope: Scope, problems: Problem[]): AgentSetting | undefined {
  if (typeof raw === "string") {
    if ((NAMED as readonly string[]).includes(raw)) return raw as (typeof NAMED)[number];
    problems.push(fieldProblem(scope, ["agent"], `agent in ${scope.label} is not a known agent: ${describeValue(raw)}`, didYouMean(raw, NAMED) ?? EXAMPLE));
    return undefined;
  }
  if (!isMapping(raw)) {
    problems.push(fieldProblem(scope, ["agent"], `agent in ${scope.label} must be builtin, codex or a mapping with command:, got ${describeValue(raw)}`, EXAMPLE));
    return undefined;
  }
  const agentScope: Scope = { ...scope, path: [...scope.path, "agent"], label: `the agent of ${scope.label}` };
  const before = problems.length;
  problems.push(...unknownKeys(raw, COMMAND_KEYS, agentScope));
  const command = validateCommand(raw, agentScope, problems);
  const format = raw.format ?? "text";
  if (typeof format !== "string" || !(FORMATS as readonly string[]).includes(format)) {
    const hint = (typeof format === "string" ? didYouMean(format, FORMATS) : undefined) ?? `one of ${FORMATS.join(", ")}`;
    problems.push(fieldProblem(agentScope, ["format"], `format in ${agentScope.label} must be codex-json or text, got ${describeValue(format)}`, hint));
  }
  if (problems.length > before || command === undefined) return undefined;
  return { command, format: format as (typeof FORMATS)[number] };
}

function validateCommand(raw: Record<string, unknown>, scope: Scope, problems: Problem[]): string[] | undefined {
  const command = raw.command;
  const fail = (field: string[], message: string, hint?: string): void => void problems.push(fieldProblem(scope, field, `${message} in ${scope.label}`, hint));
  if (!Object.hasOwn(raw, "command")) {
    fail([], "command: is missing", EXAMPLE);
    return undefined;
  }
  if (!Array.isArray(command) || command.length === 0 || command.length > MAX_ARGS) {
    fail(["command"], `command must be a list of 1 to ${MAX_ARGS} strings (program, then arguments), got ${describeValue(command)}`, "no shell is involved; the prompt comes on stdin");
    return undefined;
  }
  const before = problems.length;
  command.forEach((arg: unknown, i) => {
    const reason = argProblem(arg);
    if (reason) fail(["command", String(i)], `command entry ${i + 1} ${reason}: ${describeValue(arg)}`);
  });
  if (typeof command[0] === "string" && (command[0].includes("=") || command[0].startsWith("-"))) {
    fail(["command", "0"], `the program ${quote(command[0])} is not a program name`);
  }
  return problems.length === before ? command.map(String) : undefined;
}

function argProblem(value: unknown): string | undefined {
  if (typeof value !== "string" || value === "") return "is not a non-empty string";
  if (value.length > MAX_ARG_LENGTH) return `is longer than ${MAX_ARG_LENGTH} characters`;
  if (CONTROL.test(value)) return "holds a control character";
  return undefined;
}
