import type { CommandExecutor } from "../agent/types.ts";
import { createBubblewrapExecutor } from "./bubblewrap.ts";
import type { SandboxKind, SandboxPolicy } from "./policy.ts";
import { createSandboxExecExecutor } from "./sandbox-exec.ts";

export { hiddenPaths, type SandboxKind, type SandboxPolicy } from "./policy.ts";
export { networkMode, type NetworkMode } from "./network.ts";
export { preflightSandbox, type PreflightResult } from "./preflight.ts";

export interface SandboxedExecutorOptions {
  /** bubblewrap only: from the preflight. */
  disableUserns?: boolean;
  /** bubblewrap only: the bwrap executable. */
  bwrap?: string;
  maxOutputBytes?: number;
}

/** The executor of the sandbox the preflight found. */
export function createSandboxedExecutor(kind: SandboxKind, policy: SandboxPolicy, options: SandboxedExecutorOptions = {}): CommandExecutor {
  switch (kind) {
    case "bubblewrap":
      return createBubblewrapExecutor(policy, options);
    case "sandbox-exec":
      return createSandboxExecExecutor(policy, options);
  }
}
