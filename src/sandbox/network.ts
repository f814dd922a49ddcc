import type { SandboxKind } from "./policy.ts";

export interface NetworkMode {
  /** What the sandbox is told: no network at all, or all of it. */
  mode: "none" | "all";
  /** Said plainly in the log and the result when the task asked for more than that. */
  note?: string;
}

/**
 * What a task's `network:` host list comes to in a sandbox. Neither bubblewrap nor
 * sandbox-exec can open single hosts without a filtering proxy, which git-codex does not
 * run (docs/sandbox.md): a non-empty list opens all network access, and says so.
 */
export function networkMode(kind: SandboxKind | "none", hosts: readonly string[]): NetworkMode {
  if (kind === "none") {
    return { mode: "all", note: "without a sandbox, commands have all network access whatever the task's network list says" };
  }
  if (hosts.length === 0) return { mode: "none" };
  if (hosts.includes("*")) return { mode: "all" };
  return { mode: "all", note: `${kind} cannot restrict hosts: the task's network list opens all network access` };
}
