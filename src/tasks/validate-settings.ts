import { describeValue, isMapping } from "./describe.ts";
import { didYouMean } from "./did-you-mean.ts";
import { fieldProblem, unknownKeys } from "./scope.ts";
import type { Scope } from "./scope.ts";
import { validateAllow } from "./validate-allow.ts";
import { TOOL_SETTINGS_KEYS, validateToolSettings } from "./validate-tools.ts";
import { WORKDIR_SETTINGS_KEYS, validateWorkdirSettings } from "./validate-workdir.ts";
import { AGENT_SETTINGS_KEYS, validateAgentSettings } from "./validate-agent.ts";
import type { Budget, PrMode, Problem, TaskSettings } from "./types.ts";

export const SETTINGS_KEYS = ["model", "api", "verify", "pr", "budget", "network", "allow", ...TOOL_SETTINGS_KEYS, ...WORKDIR_SETTINGS_KEYS, ...AGENT_SETTINGS_KEYS] as const;
const APIS = ["responses", "chat"] as const;
/** Booleans in YAML 1.1, plain text in the YAML 1.2 this file is read as. */
const YAML_11_BOOLEAN = /^(y|yes|n|no|on|off)$/i;

interface Limit {
  integer: boolean;
  max: number;
  expected: string;
}

const BUDGET_LIMITS: Record<keyof Budget, Limit> = {
  turns: { integer: true, max: 1000, expected: "a whole number from 1 to 1000" },
  minutes: { integer: false, max: 1440, expected: "a number of minutes above 0, at most 1440 (a day)" },
  tokens: { integer: true, max: Number.MAX_SAFE_INTEGER, expected: "a whole number above 0" },
  usd: { integer: false, max: Number.MAX_VALUE, expected: "an amount of US dollars above 0" },
};

// One DNS label; a pattern may start with "*." to allow every subdomain.
const LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
const HOST = new RegExp(`^(?:\\*\\.)?(?=[^*]{1,253}$)${LABEL}(?:\\.${LABEL})*$`, "i");

/** Validates the settings keys present in `raw`; other keys are the caller's business. */
export function validateSettings(raw: Record<string, unknown>, scope: Scope): { settings: TaskSettings; problems: Problem[] } {
  const settings: TaskSettings = {};
  const problems: Problem[] = [];
  const fail = (field: string[], expected: string, value: unknown, hint?: string): void => {
    problems.push(fieldProblem(scope, field, `${field.join(".")} in ${scope.label} must be ${expected}, got ${describeValue(value)}`, hint));
  };
  const has = (key: string): boolean => Object.hasOwn(raw, key);
  if (has("model")) {
    const model = nonEmpty(raw.model);
    if (model === undefined) fail(["model"], "a non-empty string", raw.model);
    else settings.model = model;
  }
  if (has("api")) {
    const api = raw.api;
    if (api === "responses" || api === "chat") settings.api = api;
    else fail(["api"], `"responses" or "chat"`, api, typeof api === "string" ? didYouMean(api, APIS) : undefined);
  }
  if (has("verify")) {
    const verify = nonEmpty(raw.verify);
    if (verify === undefined) fail(["verify"], "a non-empty command", raw.verify);
    else settings.verify = verify;
  }
  if (has("pr")) {
    const pr = raw.pr;
    if (pr === true || pr === false || pr === "draft") settings.pr = pr satisfies PrMode;
    else fail(["pr"], `true, false or "draft"`, pr, YAML_11_BOOLEAN.test(String(pr)) ? "yes, no, on and off are text in YAML 1.2; write true or false" : undefined);
  }
  if (has("budget")) {
    const budget = validateBudget(raw.budget, scope, problems);
    if (budget !== undefined) settings.budget = budget;
  }
  if (has("network")) {
    const network = validateNetwork(raw.network, scope, problems);
    if (network !== undefined) settings.network = network;
  }
  if (has("allow")) {
    const allow = validateAllow(raw.allow, scope, problems);
    if (allow !== undefined) settings.allow = allow;
  }
  Object.assign(settings, validateToolSettings(raw, scope, problems));
  Object.assign(settings, validateWorkdirSettings(raw, scope, problems));
  Object.assign(settings, validateAgentSettings(raw, scope, problems));
  return { settings, problems };
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

function validateBudget(raw: unknown, scope: Scope, problems: Problem[]): Partial<Budget> | undefined {
  if (!isMapping(raw)) {
    const hint = "e.g. budget: { turns: 60, minutes: 30, usd: 2 }";
    problems.push(fieldProblem(scope, ["budget"], `budget in ${scope.label} must be a mapping, got ${describeValue(raw)}`, hint));
    return undefined;
  }
  const budgetScope: Scope = { ...scope, path: [...scope.path, "budget"], label: `the budget of ${scope.label}` };
  const before = problems.length;
  problems.push(...unknownKeys(raw, Object.keys(BUDGET_LIMITS), budgetScope));
  const budget: Partial<Budget> = {};
  for (const [name, limit] of Object.entries(BUDGET_LIMITS) as [keyof Budget, Limit][]) {
    if (!Object.hasOwn(raw, name)) continue;
    const value = raw[name];
    const ok = typeof value === "number" && value > 0 && value <= limit.max && (!limit.integer || Number.isInteger(value));
    if (ok) budget[name] = value;
    else {
      const message = `budget.${name} in ${scope.label} must be ${limit.expected}, got ${describeValue(value)}`;
      problems.push(fieldProblem(scope, ["budget", name], message));
    }
  }
  return problems.length === before ? budget : undefined;
}

function validateNetwork(raw: unknown, scope: Scope, problems: Problem[]): string[] | undefined {
  const hint = `write host names only, e.g. "registry.npmjs.org" or "*.example.com"`;
  if (!Array.isArray(raw)) {
    problems.push(fieldProblem(scope, ["network"], `network in ${scope.label} must be a list of host names, got ${describeValue(raw)}`, hint));
    return undefined;
  }
  const bad = raw.flatMap((host: unknown, i) =>
    typeof host === "string" && HOST.test(host)
      ? []
      : [fieldProblem(scope, ["network", String(i)], `network entry ${i + 1} in ${scope.label} is not a host name: ${describeValue(host)}`, hint)],
  );
  problems.push(...bad);
  return bad.length === 0 ? raw.map(String) : undefined;
}
