import { existsSync } from "node:fs";
import { isAbsolute } from "node:path";
import { homedir, tmpdir } from "node:os";
import type { CommandExecutor } from "../agent/types.ts";
import type { ExecutorRequest, SandboxChoice } from "../run/context.ts";
import { ConfigError } from "../run/errors.ts";
import { agentEnvironment } from "../sandbox/environment.ts";
import { createSandboxedExecutor, hiddenPaths, networkMode, preflightSandbox } from "../sandbox/index.ts";
import { createUnsandboxedExecutor } from "../sandbox/unsandboxed.ts";
import { runProcess } from "../util/process.ts";

const MAX_PROCESSES = 512;

/** Finds the sandbox by running it; `GIT_CODEX_SANDBOX=none` is the only way to go without one. */
export async function chooseSandbox(env: Record<string, string | undefined>): Promise<SandboxChoice> {
  if (env.GIT_CODEX_SANDBOX === "none") {
    return { kind: "none", disableUserns: false, processLimit: false, notes: ["GIT_CODEX_SANDBOX=none: agent commands run WITHOUT an OS sandbox (cleared environment, time and output limits only)"] };
  }
  const found = await preflightSandbox({
    platform: process.platform,
    run: (file, args) => runProcess(file, args, { cwd: tmpdir(), env: { PATH: env.PATH }, timeoutMs: 10_000 }),
  });
  if (!found.kind) throw new ConfigError(`no OS sandbox works here: ${found.reason}`, `${found.hint}; or set GIT_CODEX_SANDBOX=none to run agent commands without one, at your own risk`);
  return { kind: found.kind, disableUserns: found.disableUserns, processLimit: found.processLimit, notes: found.notes };
}

/** One task's executor: its worktree writable, the git dirs read-only, home and credentials hidden. */
export function executorFor(choice: SandboxChoice, env: Record<string, string | undefined>, request: ExecutorRequest): CommandExecutor {
  const environment = agentEnvironment(env, { home: request.home, tmp: request.tmp });
  if (choice.kind === "none") return createUnsandboxedExecutor({ env: environment });
  return createSandboxedExecutor(choice.kind, {
    worktree: request.worktree,
    readOnly: [...request.readOnly, ...extraReadOnly(env)],
    home: request.home,
    tmp: request.tmp,
    hide: hiddenPaths({ home: env.HOME || homedir(), env, ...(process.getuid ? { uid: process.getuid() } : {}) }),
    env: environment,
    network: networkMode(choice.kind, request.network).mode,
    ...(choice.processLimit ? { maxProcesses: MAX_PROCESSES } : {}),
  }, { disableUserns: choice.disableUserns });
}

/**
 * GIT_CODEX_SANDBOX_READ: folders of this machine (colon-separated, absolute) that agent
 * commands may read although the sandbox would not show them: a toolchain under /tmp, whose
 * /tmp the sandbox replaces, or under a hidden home. Machine environment only; folders that
 * do not exist are left out.
 */
export function extraReadOnly(env: Record<string, string | undefined>): string[] {
  return (env.GIT_CODEX_SANDBOX_READ ?? "").split(":").filter((path) => isAbsolute(path) && existsSync(path));
}
