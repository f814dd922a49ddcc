import type { CommandExecutor, CommandRequest } from "../agent/types.ts";
import { runProcess, type ProcessResult } from "../util/process.ts";
import { emptyCommandResult } from "./command-result.ts";

export interface ExecutorOptions {
  env: Record<string, string>;
  maxOutputBytes?: number;
}

/**
 * Runs agent commands directly on the host, with a cleared environment, a timeout, an
 * output cap and a process-group kill, but no OS isolation. Used only where the user chose
 * `GIT_CODEX_SANDBOX=none`; every run records it.
 */
export function createUnsandboxedExecutor(options: ExecutorOptions): CommandExecutor {
  return {
    sandbox: "none",
    run(request: CommandRequest): Promise<ProcessResult> {
      const [file, ...args] = request.argv;
      if (!file) return Promise.resolve(emptyCommandResult());
      return runProcess(file, args, {
        cwd: request.cwd,
        env: options.env,
        timeoutMs: request.timeoutMs,
        maxOutputBytes: options.maxOutputBytes ?? 1024 * 1024,
        signal: request.signal,
      });
    },
    launch(request) {
      const [file = "", ...args] = request.argv;
      return Promise.resolve({ file, args, cwd: request.cwd, env: { ...options.env } });
    },
  };
}

