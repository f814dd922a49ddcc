import type { CommandExecutor } from "../../src/agent/types.ts";
import { runProcess } from "../../src/util/process.ts";

/** Runs agent commands without a sandbox, with a minimal environment; tests only. */
export function createLocalExecutor(options: { onRun?: (argv: string[]) => void } = {}): CommandExecutor {
  return {
    sandbox: "none",
    run(request) {
      options.onRun?.(request.argv);
      const [file = "", ...args] = request.argv;
      return runProcess(file, args, {
        cwd: request.cwd,
        env: { PATH: process.env.PATH, HOME: request.cwd, LANG: "C.UTF-8" },
        timeoutMs: request.timeoutMs,
        signal: request.signal,
      });
    },
    launch(request) {
      const [file = "", ...args] = request.argv;
      return Promise.resolve({ file, args, cwd: request.cwd, env: { PATH: process.env.PATH ?? "", HOME: request.cwd, LANG: "C.UTF-8" } });
    },
  };
}
