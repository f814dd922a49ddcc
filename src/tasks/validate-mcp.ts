import { describeValue, isMapping, quote } from "./describe.ts";
import { problemAt } from "./problem.ts";
import { fieldProblem, unknownKeys } from "./scope.ts";
import type { Scope } from "./scope.ts";
import type { McpServerConfig, Problem } from "./types.ts";
import { loadYaml } from "./yaml-source.ts";
import { isSecretName } from "../util/redact.ts";

const SERVER_KEYS = ["command", "env", "tools"] as const;
/** Short, so `mcp__<server>__<tool>` leaves room for the tool's own name in 64 characters. */
const SERVER_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,29}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// MCP tool names are 1 to 128 characters of letters, digits, "_", "-" and ".".
const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;
const MAX_SERVERS = 16;
const MAX_ARGS = 64;
const MAX_TEXT = 4096;
const EXAMPLE = `e.g. mcp: { docs: { command: ["node", "tools/docs-mcp.js"] } }`;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export interface McpValidation {
  /** Where the values come from: a task file is public, so secrets are refused there. */
  source: "task-file" | "user-config";
}

/** Validates an `mcp:` mapping (server name → server); undefined when anything in it is bad. */
export function validateMcp(raw: unknown, scope: Scope, problems: Problem[], options: McpValidation): Record<string, McpServerConfig> | undefined {
  if (!isMapping(raw)) {
    problems.push(fieldProblem(scope, ["mcp"], `mcp in ${scope.label} must be a mapping of server names to servers, got ${describeValue(raw)}`, EXAMPLE));
    return undefined;
  }
  const before = problems.length;
  const entries = Object.entries(raw);
  if (entries.length > MAX_SERVERS) problems.push(fieldProblem(scope, ["mcp"], `mcp in ${scope.label} lists ${entries.length} servers; at most ${MAX_SERVERS} are allowed`));
  const servers: Record<string, McpServerConfig> = {};
  for (const [name, value] of entries) {
    if (!SERVER_NAME.test(name)) {
      const hint = "a letter, then letters, digits, _ or -, at most 30 characters";
      problems.push(fieldProblem(scope, ["mcp", name], `MCP server name ${quote(name)} in ${scope.label} is not a short identifier`, hint, "key"));
      continue;
    }
    const server = validateServer(value, { ...scope, path: [...scope.path, "mcp", name], label: `MCP server "${name}" in ${scope.label}` }, problems, options);
    if (server) servers[name] = server;
  }
  return problems.length === before ? servers : undefined;
}

function validateServer(raw: unknown, scope: Scope, problems: Problem[], options: McpValidation): McpServerConfig | undefined {
  if (!isMapping(raw)) {
    problems.push(fieldProblem(scope, [], `${scope.label} must be a mapping with command:, got ${describeValue(raw)}`, EXAMPLE));
    return undefined;
  }
  const before = problems.length;
  problems.push(...unknownKeys(raw, SERVER_KEYS, scope));
  const fail = (field: string[], message: string, hint?: string): void => void problems.push(fieldProblem(scope, field, `${message} in ${scope.label}`, hint));
  const command = raw.command;
  if (!Object.hasOwn(raw, "command")) fail([], "command: is missing", EXAMPLE);
  else if (!Array.isArray(command) || command.length === 0 || command.length > MAX_ARGS) {
    fail(["command"], `command must be a list of 1 to ${MAX_ARGS} strings (program, then arguments), got ${describeValue(command)}`, `no shell is involved; ${EXAMPLE}`);
  } else {
    command.forEach((arg: unknown, i) => {
      const reason = textProblem(arg);
      if (reason) fail(["command", String(i)], `command entry ${i + 1} ${reason}: ${describeValue(arg)}`);
    });
    if (typeof command[0] === "string" && command[0].includes("=")) fail(["command", "0"], `the program ${quote(command[0])} contains "="`);
  }
  const server: McpServerConfig = { command: Array.isArray(command) ? command.map(String) : [] };
  if (Object.hasOwn(raw, "env")) {
    const env = validateEnv(raw.env, scope, problems, options);
    if (env) server.env = env;
  }
  if (Object.hasOwn(raw, "tools")) {
    const tools = raw.tools;
    if (!Array.isArray(tools) || tools.length === 0) fail(["tools"], `tools must be a non-empty list of the server's tool names, got ${describeValue(tools)}`);
    else {
      tools.forEach((tool: unknown, i) => {
        if (typeof tool !== "string" || !TOOL_NAME.test(tool)) fail(["tools", String(i)], `tools entry ${i + 1} is not an MCP tool name: ${describeValue(tool)}`);
      });
      server.tools = [...new Set(tools.map(String))];
    }
  }
  return problems.length === before ? server : undefined;
}

function validateEnv(raw: unknown, scope: Scope, problems: Problem[], options: McpValidation): Record<string, string> | undefined {
  if (!isMapping(raw)) {
    problems.push(fieldProblem(scope, ["env"], `env in ${scope.label} must be a mapping of variable names to strings, got ${describeValue(raw)}`));
    return undefined;
  }
  const before = problems.length;
  for (const [name, value] of Object.entries(raw)) {
    const at = (message: string, hint?: string, where: "key" | "value" = "value"): void => void problems.push(fieldProblem(scope, ["env", name], `${message} in ${scope.label}`, hint, where));
    if (!ENV_NAME.test(name)) at(`env name ${quote(name)} is not a variable name`, undefined, "key");
    else if (options.source === "task-file" && isSecretName(name)) {
      at(`env ${quote(name)} looks like a secret, and the task file is public`, "declare this server in $XDG_CONFIG_HOME/git-codex/mcp.yml on the machine instead", "key");
    } else if (typeof value !== "string") at(`env ${quote(name)} must be a string, got ${describeValue(value)}`, `quote it: ${name}: "${String(value)}"`);
    else if (value.length > MAX_TEXT || value.includes("\0")) at(`env ${quote(name)} is longer than ${MAX_TEXT} characters or holds a NUL byte`);
  }
  return problems.length === before ? (raw as Record<string, string>) : undefined;
}

function textProblem(value: unknown): string | undefined {
  if (typeof value !== "string" || value === "") return "is not a non-empty string";
  if (value.length > MAX_TEXT) return `is longer than ${MAX_TEXT} characters`;
  if (CONTROL.test(value)) return "holds a control character";
  return undefined;
}

/**
 * Parses the machine's MCP servers, `$XDG_CONFIG_HOME/git-codex/mcp.yml`: the same shape
 * as `mcp:` in a task file, under a top-level `mcp:`. Never throws.
 */
export function parseMcpConfig(content: string | Uint8Array, fileName: string): { servers: Record<string, McpServerConfig>; problems: Problem[] } {
  const loaded = loadYaml(content, fileName);
  if ("errors" in loaded) return { servers: {}, problems: loaded.errors };
  const { value, locate } = loaded;
  if (value === null) return { servers: {}, problems: [] };
  const scope: Scope = { path: [], label: fileName, locate };
  if (!isMapping(value)) {
    return { servers: {}, problems: [problemAt(locate, [], `${fileName} must be a mapping with mcp:, got ${describeValue(value)}`, { hint: EXAMPLE })] };
  }
  const problems = unknownKeys(value, ["mcp"], scope);
  const servers = Object.hasOwn(value, "mcp") ? validateMcp(value.mcp, scope, problems, { source: "user-config" }) : {};
  return problems.length === 0 && servers ? { servers, problems } : { servers: {}, problems };
}
