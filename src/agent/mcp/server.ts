import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { McpServerConfig } from "../../tasks/types.ts";
import type { CommandExecutor } from "../types.ts";
import { createStdioTransport, type StdioTransport } from "./stdio-transport.ts";
import type { ListedTool } from "./tool-spec.ts";

const MAX_PAGES = 20;
const MAX_TOOLS = 200;

/** A server that did not start, answer `initialize` or list its tools. */
export class McpStartError extends Error {
  readonly server: string;

  constructor(server: string, reason: string, stderr: string, options?: { cause?: unknown }) {
    const said = stderr.trim() === "" ? "" : `; it said: ${stderr.trim().slice(-1000)}`;
    super(`MCP server "${server}" did not start: ${reason}${said}`, options);
    this.name = "McpStartError";
    this.server = server;
  }
}

/** One running server: its client, its tools (filtered by `tools:`), and how to stop it. */
export interface McpConnection {
  name: string;
  client: Client;
  transport: StdioTransport;
  tools: ListedTool[];
  close(): Promise<void>;
}

export interface ConnectOptions {
  executor: CommandExecutor;
  /** The worktree: the server's working directory. */
  workdir: string;
  /** For starting, `initialize` and listing the tools together. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Starts `config.command` inside the sandbox (the executor's `launch`, in the worktree),
 * connects the SDK's client over stdio and lists the tools. Throws McpStartError, with what
 * the server wrote to stderr, after stopping whatever was started.
 */
export async function connectMcpServer(name: string, config: McpServerConfig, options: ConnectOptions): Promise<McpConnection> {
  const launch = await options.executor.launch({ argv: withEnv(config), cwd: options.workdir });
  const transport = createStdioTransport(launch);
  const client = new Client({ name: "git-codex", version: "1" }, { capabilities: {} });
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  try {
    await client.connect(transport, { signal, timeout: options.timeoutMs });
    const tools = pick(name, config, await listTools(client, signal, options.timeoutMs));
    return { name, client, transport, tools, close: () => client.close() };
  } catch (error) {
    await client.close().catch(() => undefined);
    await transport.close();
    if (error instanceof McpStartError) throw error;
    const reason = deadline.aborted ? `no answer within ${Math.round(options.timeoutMs / 1000)}s` : error instanceof Error ? error.message : String(error);
    throw new McpStartError(name, reason, transport.stderr(), { cause: error });
  }
}

/**
 * The declared environment goes in through `env NAME=value … program`: the sandbox clears
 * the environment, and `launch` has no other way to add to it.
 */
function withEnv(config: McpServerConfig): string[] {
  const env = Object.entries(config.env ?? {});
  if (env.length === 0) return config.command;
  return ["env", ...env.map(([key, value]) => `${key}=${value}`), ...config.command];
}

async function listTools(client: Client, signal: AbortSignal, timeout: number): Promise<ListedTool[]> {
  const tools: ListedTool[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES && tools.length < MAX_TOOLS; page++) {
    const listed = await client.listTools(cursor === undefined ? {} : { cursor }, { signal, timeout });
    tools.push(...listed.tools);
    cursor = listed.nextCursor;
    if (cursor === undefined) break;
  }
  return tools.slice(0, MAX_TOOLS);
}

/** The tools `tools:` allows; naming one the server does not have is a mistake worth stopping for. */
function pick(name: string, config: McpServerConfig, tools: ListedTool[]): ListedTool[] {
  if (config.tools === undefined) return tools;
  const offered = new Set(tools.map((tool) => tool.name));
  const missing = config.tools.filter((tool) => !offered.has(tool));
  if (missing.length > 0) {
    const reason = `it has no tool ${missing.map((tool) => JSON.stringify(tool)).join(", ")}; its tools are: ${[...offered].join(", ") || "none"}`;
    throw new McpStartError(name, reason, "");
  }
  return tools.filter((tool) => config.tools?.includes(tool.name));
}
