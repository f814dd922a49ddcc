/**
 * MCP servers (stdio) as agent tools: each server runs inside the task's sandbox, in its
 * worktree, and each of its tools is offered to the model as `mcp__<server>__<tool>`.
 */
import type { McpServerConfig } from "../../tasks/types.ts";
import { truncateOutput } from "../truncate.ts";
import type { AgentTool, AgentToolContext, ToolOutcome } from "../types.ts";
import { describeCallResult, type CallResult } from "./call-result.ts";
import { connectMcpServer, McpStartError, type ConnectOptions, type McpConnection } from "./server.ts";
import { mcpToolName, mcpToolSpec, type ListedTool } from "./tool-spec.ts";

export { McpStartError } from "./server.ts";

/** A tool call may take at most this long, and never longer than the task has left. */
const MAX_CALL_MS = 10 * 60_000;

export interface McpToolsInput extends ConnectOptions {
  servers: Readonly<Record<string, McpServerConfig>>;
  /**
   * Servers the task itself declared: if one fails to start, the task fails (McpStartError).
   * Any other server (the machine's mcp.yml) that fails is left out with a note.
   */
  required: ReadonlySet<string>;
}

export interface McpTools {
  tools: AgentTool[];
  /** One line per optional server left out, for the log. */
  notes: string[];
  /** Stops every server: its whole process group, or its sandbox. */
  close(): Promise<void>;
}

/** Starts every server at once; see `required` for what a failure does. */
export async function startMcpTools(input: McpToolsInput): Promise<McpTools> {
  const names = Object.keys(input.servers);
  const started = await Promise.allSettled(names.map((name) => connectMcpServer(name, input.servers[name] as McpServerConfig, input)));
  const connections = started.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  const close = async (): Promise<void> => {
    await Promise.allSettled(connections.map((connection) => connection.close()));
  };
  const failures = started.flatMap((result, i) => (result.status === "rejected" ? [{ name: names[i] as string, error: result.reason as unknown }] : []));
  const fatal = failures.filter((failure) => input.required.has(failure.name));
  if (fatal.length > 0) {
    await close();
    const first = fatal[0]?.error;
    throw fatal.length === 1 && first instanceof McpStartError ? first : new Error(fatal.map((failure) => message(failure.error)).join("; "), { cause: first });
  }
  const taken = new Set<string>();
  const tools = connections.flatMap((connection) =>
    connection.tools.map((tool) => {
      const name = mcpToolName(connection.name, tool.name, taken);
      taken.add(name);
      return callableTool(connection, tool, name);
    }),
  );
  return { tools, notes: failures.map((failure) => `${message(failure.error)}; the task runs without it`), close };
}

function callableTool(connection: McpConnection, tool: ListedTool, name: string): AgentTool {
  return {
    spec: mcpToolSpec(connection.name, tool, name),
    async run(args: Record<string, unknown>, ctx: AgentToolContext): Promise<ToolOutcome> {
      const timeout = Math.min(MAX_CALL_MS, ctx.remainingMs());
      if (timeout <= 0) return { output: `${name}: the task has no time left`, summary: `${name}: no time left` };
      if (connection.transport.exited()) {
        const said = connection.transport.stderr().trim();
        throw new Error(`the MCP server "${connection.name}" has exited${said ? `; it said: ${said.slice(-1000)}` : ""}`);
      }
      const result = (await connection.client.callTool({ name: tool.name, arguments: args }, undefined, { timeout, ...(ctx.signal ? { signal: ctx.signal } : {}) })) as CallResult;
      const { text, isError } = describeCallResult(result);
      const output = truncateOutput(isError ? `the tool reported an error: ${text}` : text, ctx.maxOutputChars);
      return { output, summary: `${name}: ${isError ? "error" : "ok"}` };
    },
  };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
