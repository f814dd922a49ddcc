import type { AgentSetting } from "../../tasks/types.ts";

export type OutputFormat = "codex-json" | "text";

/** The command line of an external backend and how its stdout is read. */
export interface BackendCommand {
  argv: string[];
  format: OutputFormat;
}

/**
 * `agent: codex` runs Codex CLI non-interactively with JSONL events on stdout and the prompt
 * on stdin (`-`). Its own sandbox is bypassed because it runs inside git-codex's (nested
 * user namespaces are refused there, so Codex's would fail), and the git-repo check is
 * skipped because the worktree's git data is read-only to it anyway.
 */
export function backendCommand(agent: Exclude<AgentSetting, "builtin">, model: string): BackendCommand {
  if (agent === "codex") {
    return {
      argv: ["codex", "exec", "--json", "--skip-git-repo-check", "--dangerously-bypass-approvals-and-sandbox", "--color", "never", "--model", model, "-"],
      format: "codex-json",
    };
  }
  return { argv: [...agent.command], format: agent.format };
}
