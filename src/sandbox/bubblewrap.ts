import type { CommandExecutor, CommandRequest } from "../agent/types.ts";
import { runProcess, type ProcessResult } from "../util/process.ts";
import { bubblewrapArgs } from "./bubblewrap-args.ts";
import { emptyCommandResult } from "./command-result.ts";
import { findHidden, type SandboxPolicy } from "./policy.ts";

export { bubblewrapArgs, type BubblewrapHost } from "./bubblewrap-args.ts";

export interface BubblewrapOptions {
  /** The bwrap executable. Default "bwrap" (found through PATH). */
  bwrap?: string;
  /** Cap per output stream. Default 1 MiB. */
  maxOutputBytes?: number;
  /** Pass --disable-userns (bubblewrap 0.8+; the preflight says whether it works). Default true. */
  disableUserns?: boolean;
}

/**
 * Runs every agent command in a bubblewrap sandbox made from `policy`. The hidden paths are
 * looked up again for each command, so a credential file created since is hidden too. On
 * timeout or abort the runner kills bwrap's process group; --die-with-parent and the PID
 * namespace take everything inside down with it.
 */
export function createBubblewrapExecutor(policy: SandboxPolicy, options: BubblewrapOptions = {}): CommandExecutor {
  const bwrap = options.bwrap ?? "bwrap";
  return {
    sandbox: "bubblewrap",
    async run(request: CommandRequest): Promise<ProcessResult> {
      if (request.argv.length === 0) return emptyCommandResult();
      const hidden = await findHidden(policy.hide);
      const args = bubblewrapArgs(policy, request, { hidden, disableUserns: options.disableUserns ?? true });
      return runProcess(bwrap, args, {
        cwd: policy.worktree,
        // bwrap itself needs nothing; --clearenv sets the command's environment anyway.
        env: policy.env,
        timeoutMs: request.timeoutMs,
        maxOutputBytes: options.maxOutputBytes ?? 1024 * 1024,
        signal: request.signal,
      });
    },
    async launch(request) {
      const hidden = await findHidden(policy.hide);
      const args = bubblewrapArgs(policy, request, { hidden, disableUserns: options.disableUserns ?? true });
      return { file: bwrap, args, cwd: policy.worktree, env: { ...policy.env } };
    },
  };
}
