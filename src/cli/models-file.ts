import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BUILT_IN_MODELS, parseModelCatalog, type ModelCatalog } from "../agent/model-catalog.ts";
import { ConfigError } from "../run/errors.ts";
import { xdgDir } from "./repo-settings.ts";

export function modelsFilePath(env: Record<string, string | undefined>): string {
  return join(xdgDir(env, "config"), "models.json");
}

/**
 * This machine's prices and context windows, `$XDG_CONFIG_HOME/git-codex/models.json`,
 * over the built-in tables. No file = the built-in tables. An invalid file is an error
 * when a task needs it (thrown then), never a silent fallback to other prices.
 */
export function readModelCatalog(env: Record<string, string | undefined>): { catalog: ModelCatalog; error?: ConfigError } {
  const path = modelsFilePath(env);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { catalog: BUILT_IN_MODELS };
    return { catalog: BUILT_IN_MODELS, error: new ConfigError(`cannot read ${path}: ${(error as Error).message}`, "make it readable, or remove it", { cause: error }) };
  }
  const { catalog, problems } = parseModelCatalog(text);
  if (!catalog) {
    const list = problems.slice(0, 5).map((problem) => `${path}: ${problem}`).join("\n  ");
    return { catalog: BUILT_IN_MODELS, error: new ConfigError(`${path} is invalid:\n  ${list}`, 'fix it (a JSON object: model name → {"input", "cachedInput", "output" in $ per million tokens, "contextWindow" in tokens}; see docs/agent.md, "Cost and context"), or remove it') };
  }
  return { catalog };
}
