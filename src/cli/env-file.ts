import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { xdgDir } from "./repo-settings.ts";

/**
 * Settings a service cannot get from a login shell (OPENAI_API_KEY and friends) live in
 * `$XDG_CONFIG_HOME/git-codex/env`, one KEY=value a line. Variables already set win.
 * Returns the merged environment and a warning when the file is readable by others.
 */
export function withEnvFile(env: Record<string, string | undefined>): { env: Record<string, string | undefined>; warning?: string } {
  const path = join(xdgDir(env, "config"), "env");
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return { env };
  }
  const merged = { ...env };
  for (const line of text.split("\n")) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match?.[1] || line.trimStart().startsWith("#")) continue;
    const value = (match[2] ?? "").replace(/^(['"])(.*)\1$/, "$2");
    if (merged[match[1]] === undefined) merged[match[1]] = value;
  }
  const open = (statSync(path).mode & 0o077) !== 0;
  return { env: merged, ...(open ? { warning: `${path} is readable by other users; run chmod 600 ${path}` } : {}) };
}
