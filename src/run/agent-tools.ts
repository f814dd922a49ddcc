import type { AgentTool, CommandExecutor } from "../agent/types.ts";
import type { TaskSpec } from "../tasks/types.ts";
import type { Deps, RepoContext } from "./context.ts";
import { startTaskPlugins } from "./task-plugins.ts";
import { rememberTool, type RepoMemory } from "./memory.ts";

export interface AgentToolsInput {
  repo: RepoContext;
  deps: Deps;
  spec: TaskSpec;
  /** Absolute path of the task's worktree. */
  workdir: string;
  executor: CommandExecutor;
  signal?: AbortSignal;
  /** The repository's memory, when the task uses it: the remember tool is offered. */
  memory?: RepoMemory;
}

/** The tools a task gets beside the built-in ones, and how to stop what they started. */
export interface AgentToolSet extends AsyncDisposable {
  tools: AgentTool[];
  /** The memory notes the agent proposed, for the bot to commit after the run. */
  memoryNotes(): readonly string[];
}

/**
 * Builds the optional tools one task asked for (MCP servers, web_fetch, images, memory).
 * Whatever they start is stopped when the set is disposed, however the run ends.
 */
export async function agentTools(input: AgentToolsInput): Promise<AgentToolSet> {
  const tools: AgentTool[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  // MCP servers, web_fetch and image; a declared server that does not start throws here.
  const plugins = await startTaskPlugins(input);
  tools.push(...plugins.tools);
  cleanups.push(plugins.close);
  const remember = input.memory ? rememberTool(input.deps, input.memory) : undefined;
  if (remember) tools.push(remember.tool);
  return {
    tools,
    memoryNotes: () => remember?.notes() ?? [],
    async [Symbol.asyncDispose]() {
      await Promise.allSettled(cleanups.map((cleanup) => cleanup()));
    },
  };
}
