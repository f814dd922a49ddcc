import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../run/errors.ts";
import { formatProblem } from "../tasks/problem.ts";
import type { McpServerConfig } from "../tasks/types.ts";
import { parseMcpConfig } from "../tasks/validate-mcp.ts";
import { secretValues } from "../util/redact.ts";
import { xdgDir } from "./repo-settings.ts";

export interface UserMcp {
  servers: Record<string, McpServerConfig>;
  /** Values of secret-looking `env:` entries, for the redactor. */
  secrets: string[];
  /** Set when the file exists but cannot be used; thrown when a task needs the servers. */
  error?: ConfigError;
}

/**
 * The MCP servers of this machine, `$XDG_CONFIG_HOME/git-codex/mcp.yml`: private to the
 * machine (unlike the task file), so their `env:` may hold tokens. No file = no servers.
 */
export function readUserMcp(env: Record<string, string | undefined>): UserMcp {
  const path = join(xdgDir(env, "config"), "mcp.yml");
  let content: Buffer;
  try {
    content = readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { servers: {}, secrets: [] };
    return { servers: {}, secrets: [], error: new ConfigError(`cannot read ${path}: ${(error as Error).message}`, "make it readable, or remove it", { cause: error }) };
  }
  const { servers, problems } = parseMcpConfig(content, "mcp.yml");
  if (problems.length > 0) {
    const list = problems.slice(0, 5).map((problem) => formatProblem(path, problem)).join("\n  ");
    return { servers: {}, secrets: [], error: new ConfigError(`${path} is invalid:\n  ${list}`, "fix the file (see docs/agent.md, \"Plugins (MCP)\"), or remove it") };
  }
  return { servers, secrets: Object.values(servers).flatMap((server) => secretValues(server.env ?? {})) };
}
