import { realpath } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { CommandExecutor, CommandRequest } from "../agent/types.ts";
import { runProcess, type ProcessResult } from "../util/process.ts";
import { emptyCommandResult } from "./command-result.ts";
import type { SandboxPolicy } from "./policy.ts";
import { SANDBOX_EXEC } from "./preflight.ts";
import { sandboxExecProfile } from "./sandbox-exec-profile.ts";

export { sandboxExecProfile } from "./sandbox-exec-profile.ts";

export interface SandboxExecOptions {
  /** Cap per output stream. Default 1 MiB. */
  maxOutputBytes?: number;
}

/**
 * Runs every agent command under macOS's sandbox-exec with a profile made from `policy`.
 * sandbox-exec execs the command in place, so the runner's process-group kill reaches it.
 * There is no process-count limit on macOS (`maxProcesses` is ignored): RLIMIT_NPROC there
 * counts all of the user's processes.
 */
export function createSandboxExecExecutor(policy: SandboxPolicy, options: SandboxExecOptions = {}): CommandExecutor {
  let profile: Promise<string> | undefined;
  return {
    sandbox: "sandbox-exec",
    async run(request: CommandRequest): Promise<ProcessResult> {
      if (request.argv.length === 0) return emptyCommandResult();
      profile ??= realPolicy(policy).then(sandboxExecProfile);
      return runProcess(SANDBOX_EXEC, ["-p", await profile, "--", ...request.argv], {
        cwd: request.cwd,
        env: policy.env,
        timeoutMs: request.timeoutMs,
        maxOutputBytes: options.maxOutputBytes ?? 1024 * 1024,
        signal: request.signal,
      });
    },
    async launch(request) {
      profile ??= realPolicy(policy).then(sandboxExecProfile);
      return { file: SANDBOX_EXEC, args: ["-p", await profile, "--", ...request.argv], cwd: request.cwd, env: { ...policy.env } };
    },
  };
}

/** The policy with every path resolved, as Seatbelt sees them (/var is /private/var). */
export async function realPolicy(policy: SandboxPolicy): Promise<SandboxPolicy> {
  const all = (paths: string[]): Promise<string[]> => Promise.all(paths.map(realPath));
  const [worktree, home, tmp, readOnly, hide] = await Promise.all([realPath(policy.worktree), realPath(policy.home), realPath(policy.tmp), all(policy.readOnly), all(policy.hide)]);
  return { ...policy, worktree, home, tmp, readOnly, hide };
}

// A path that does not exist yet (a credential file created later) is still denied: under
// its parent's real path.
async function realPath(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(await realPath(parent), basename(path));
  }
}
