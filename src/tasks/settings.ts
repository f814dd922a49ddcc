import type { Budget, ResolvedSettings, TaskSettings } from "./types.ts";

/** ResolvedSettings, frozen all the way down: shared by every caller, changed by none. */
export type BuiltinSettings = Readonly<Omit<ResolvedSettings, "budget" | "network" | "allow">> & {
  readonly budget: Readonly<Budget>;
  readonly network: readonly string[];
  readonly allow: readonly string[];
};

/** What applies when neither the task, the environment nor the file's defaults say. */
export const BUILTIN_SETTINGS: BuiltinSettings = Object.freeze({
  model: "gpt-5.1-codex",
  api: "responses",
  pr: "draft",
  budget: Object.freeze({ turns: 60, minutes: 30 }),
  network: Object.freeze([]),
  allow: Object.freeze([]),
});

/**
 * Effective settings of one task: its own > environment overrides > file defaults >
 * built-ins. The budget is merged field by field, so a task that sets only `usd` keeps the
 * default turns and minutes. Returns fresh objects; nothing is shared with the inputs.
 */
export function resolveSettings(task: TaskSettings, defaults: TaskSettings, env: Partial<TaskSettings>): ResolvedSettings {
  const layers = [task, env, defaults];
  const pick = <K extends keyof TaskSettings>(key: K): TaskSettings[K] => layers.find((l) => l[key] !== undefined)?.[key];
  const budget: Budget = { ...BUILTIN_SETTINGS.budget };
  for (const layer of [defaults, env, task]) {
    for (const [name, value] of Object.entries(layer.budget ?? {}) as [keyof Budget, number | undefined][]) {
      if (value !== undefined) budget[name] = value;
    }
  }
  const resolved: ResolvedSettings = {
    model: pick("model") ?? BUILTIN_SETTINGS.model,
    api: pick("api") ?? BUILTIN_SETTINGS.api,
    pr: pick("pr") ?? BUILTIN_SETTINGS.pr,
    budget,
    network: [...(pick("network") ?? BUILTIN_SETTINGS.network)],
    // Like network, a task's own list replaces the defaults' list rather than adding to it.
    allow: [...(pick("allow") ?? BUILTIN_SETTINGS.allow)],
  };
  const verify = pick("verify");
  if (verify !== undefined) resolved.verify = verify;
  const workdir = pick("workdir");
  if (workdir) resolved.workdir = workdir;
  if (pick("memory") === false) resolved.memory = false;
  // MCP servers merge by name (a task adds to the defaults' servers, or replaces one of
  // them); tools:, like network:, is replaced as a whole. All three stay absent when unset.
  const mcp = structuredClone({ ...defaults.mcp, ...env.mcp, ...task.mcp });
  if (Object.keys(mcp).length > 0) resolved.mcp = mcp;
  const tools = pick("tools");
  if (tools !== undefined && tools.length > 0) resolved.tools = [...tools];
  const imageModel = pick("imageModel");
  if (imageModel !== undefined) resolved.imageModel = imageModel;
  // The built-in loop and a single attempt are the absence of these, as before they existed.
  const agent = pick("agent");
  if (agent !== undefined && agent !== "builtin") resolved.agent = structuredClone(agent);
  const attempts = pick("attempts");
  if (attempts !== undefined && attempts > 1) resolved.attempts = attempts;
  return resolved;
}
