import type { AgentTool, CommandExecutor } from "../agent/types.ts";
import type { TaskSpec } from "../tasks/types.ts";
import type { Deps, RepoContext } from "./context.ts";

export interface AgentToolsInput {
  repo: RepoContext;
  deps: Deps;
  spec: TaskSpec;
  /** Absolute path of the task's worktree. */
  workdir: string;
  executor: CommandExecutor;
  signal?: AbortSignal;
}

/** The tools a task gets beside the built-in ones, and how to stop what they started. */
export interface AgentToolSet extends AsyncDisposable {
  tools: AgentTool[];
}

/**
 * Builds the optional tools one task asked for (MCP servers, web_fetch, images, memory).
 * Whatever they start is stopped when the set is disposed, however the run ends.
 */
export async function agentTools(_input: AgentToolsInput): Promise<AgentToolSet> {
  const tools: AgentTool[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  return {
    tools,
    async [Symbol.asyncDispose]() {
      await Promise.allSettled(cleanups.map((cleanup) => cleanup()));
    },
  };
}
