import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../../run/errors.ts";
import { installService, serviceStatus, uninstallService, type ServiceContext } from "../../service/install.ts";
import { runProcess } from "../../util/process.ts";
import { parseDuration } from "../repo-settings.ts";

export type ServiceAction = "install" | "uninstall" | "status";

export interface ServiceCommandOptions {
  /** install only: write the unit/plist to `out` instead of installing it. */
  print: boolean;
  /** Passed to `git-codex watch --poll`. */
  poll?: string;
  /** Repositories for `git-codex watch`; none means it reads $XDG_CONFIG_HOME/git-codex/repos. */
  repos: string[];
  env: Record<string, string | undefined>;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  /** Relative repository paths are resolved against it; defaults to the process's. */
  cwd?: string;
}

// Same relative path from src/cli/commands/service.ts and from dist/cli/commands/service.js.
const PACKAGE_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** The launcher a service runs: absolute, because a service has no useful PATH or cwd. */
export const CLI_SCRIPT = resolve(PACKAGE_ROOT, "bin", "git-codex.js");

/** `git codex service install|uninstall|status`: the per-user service running `git-codex watch`. */
export async function serviceCommand(action: ServiceAction, options: ServiceCommandOptions): Promise<number> {
  const ctx = serviceContext(options);
  if (action === "uninstall") return uninstallService(ctx);
  if (action === "status") return serviceStatus(ctx);
  if (!options.print) {
    requireBuiltCli();
    for (const repo of ctx.args.filter((arg) => arg.startsWith("/") && !existsSync(arg))) options.err.write(`git-codex: warning: ${repo} does not exist; git-codex watch will not find it\n`);
  }
  return installService(ctx, { print: options.print });
}

export function watchArgs(options: Pick<ServiceCommandOptions, "poll" | "repos" | "cwd">): string[] {
  if (options.poll !== undefined && parseDuration(options.poll) === undefined) {
    throw new ConfigError(`--poll "${options.poll.slice(0, 40)}" is not a duration`, `write it like 30s, 5m or 1h`);
  }
  const cwd = options.cwd ?? process.cwd();
  const repos = options.repos.map((repo) => resolve(cwd, repo));
  return ["watch", ...(options.poll !== undefined ? ["--poll", options.poll.trim()] : []), ...repos];
}

function serviceContext(options: ServiceCommandOptions): ServiceContext {
  const home = options.env.HOME || homedir();
  return {
    platform: process.platform,
    home,
    env: options.env,
    node: process.execPath,
    cli: CLI_SCRIPT,
    args: watchArgs(options),
    // systemctl --user finds the user's bus through XDG_RUNTIME_DIR/DBUS_SESSION_BUS_ADDRESS.
    run: (file, args) => runProcess(file, args, { cwd: "/", env: options.env, timeoutMs: 30_000 }),
    out: options.out,
  };
}

/** bin/git-codex.js loads the compiled dist/; a service started without it would crash-loop. */
function requireBuiltCli(): void {
  if (existsSync(resolve(PACKAGE_ROOT, "dist", "cli.js"))) return;
  throw new ConfigError(`${CLI_SCRIPT} needs the compiled ${resolve(PACKAGE_ROOT, "dist")}, which is missing`, `run "npm run build" in ${PACKAGE_ROOT}, then install the service again`);
}
