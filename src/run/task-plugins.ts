import type { McpTools } from "../agent/mcp/index.ts";
import type { AgentTool } from "../agent/types.ts";
import type { AgentToolsInput } from "./agent-tools.ts";
import { ConfigError } from "./errors.ts";

/** How long a server may take to start and list its tools (inside the task's own time budget). */
const MCP_START_MS = 60_000;

export interface TaskPlugins {
  tools: AgentTool[];
  /** Stops the MCP servers; they must not write to the worktree while the bot commits. */
  close(): Promise<void>;
}

/**
 * The tools a task turned on (`tools: [web_fetch, image]`) and its MCP servers: the task
 * file's, over this machine's mcp.yml (the task wins by name). A server the task declared
 * that fails to start fails the task (McpStartError): its result would differ from what was
 * asked. A server of the machine's own that fails is left out with a warning in the log.
 * The modules are loaded only for a task that uses them: the MCP SDK and the HTML reader
 * would otherwise sit in every idle daemon's memory.
 */
export async function startTaskPlugins(input: AgentToolsInput): Promise<TaskPlugins> {
  const { repo, deps, spec, workdir, executor, signal } = input;
  const { settings } = spec;
  const tools: AgentTool[] = [];
  const enabled = new Set(settings.tools ?? []);
  if (enabled.has("web_fetch")) {
    const { createWebFetchTool } = await import("../agent/web-fetch.ts");
    tools.push(createWebFetchTool({ hosts: settings.network }));
  }
  if (enabled.has("image")) {
    if (!deps.imageGenerator) throw new ConfigError("the image tool is not available in this setup", "remove image from the task's tools:");
    const { createImageTool, DEFAULT_IMAGE_MODEL } = await import("../agent/image-tool.ts");
    tools.push(createImageTool({ generator: deps.imageGenerator(), model: settings.imageModel ?? DEFAULT_IMAGE_MODEL }));
  }
  const own = settings.mcp ?? {};
  const servers = { ...deps.userMcpServers?.(), ...own };
  if (Object.keys(servers).length === 0) return { tools, close: () => Promise.resolve() };
  const timeoutMs = Math.min(MCP_START_MS, settings.budget.minutes * 60_000);
  const { startMcpTools } = await import("../agent/mcp/index.ts");
  let mcp: McpTools;
  try {
    mcp = await startMcpTools({ servers, required: new Set(Object.keys(own)), executor, workdir, timeoutMs, ...(signal ? { signal } : {}) });
  } catch (error) {
    // Cancelled or shut down while starting: the agent sees the abort at once and the task
    // ends as interrupted or cancelled, not as failed by its server.
    if (signal?.aborted) return { tools, close: () => Promise.resolve() };
    throw error;
  }
  for (const note of mcp.notes) repo.log.warn({ task: spec.id }, note);
  repo.log.info({ task: spec.id, tools: mcp.tools.map((tool) => tool.spec.name) }, "MCP servers started");
  return { tools: [...tools, ...mcp.tools], close: mcp.close };
}
