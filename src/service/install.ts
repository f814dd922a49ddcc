import { ConfigError } from "../run/errors.ts";
import type { ServiceContext } from "./context.ts";
import { installLaunchd, launchdStatus, renderLaunchdPlist, uninstallLaunchd } from "./launchd-install.ts";
import { installSystemd, renderSystemdUnit, systemdStatus, uninstallSystemd } from "./systemd-install.ts";

export type { ServiceContext } from "./context.ts";

interface Platform {
  render(ctx: ServiceContext): { path: string; content: string };
  install(ctx: ServiceContext): Promise<number>;
  uninstall(ctx: ServiceContext): Promise<number>;
  status(ctx: ServiceContext): Promise<number>;
}

const PLATFORMS: Partial<Record<NodeJS.Platform, Platform>> = {
  linux: { render: renderSystemdUnit, install: installSystemd, uninstall: uninstallSystemd, status: systemdStatus },
  darwin: { render: renderLaunchdPlist, install: installLaunchd, uninstall: uninstallLaunchd, status: launchdStatus },
};

/**
 * Writes and starts the per-user service running `git-codex watch`: a systemd user unit on
 * Linux, a launchd agent on macOS. With `print`, only writes the file's text to `ctx.out`.
 */
export async function installService(ctx: ServiceContext, options: { print?: boolean } = {}): Promise<number> {
  const platform = platformOf(ctx);
  if (!options.print) return platform.install(ctx);
  // Only the file's text, so that `--print > file` gives a usable file.
  ctx.out.write(platform.render(ctx).content);
  return 0;
}

/** Stops the service and removes its file; a second call finds nothing and succeeds. */
export async function uninstallService(ctx: ServiceContext): Promise<number> {
  return platformOf(ctx).uninstall(ctx);
}

/** The service manager's own report, passed through; 0 when it is running. */
export async function serviceStatus(ctx: ServiceContext): Promise<number> {
  return platformOf(ctx).status(ctx);
}

function platformOf(ctx: ServiceContext): Platform {
  const platform = PLATFORMS[ctx.platform];
  if (platform) return platform;
  throw new ConfigError(`git codex service is not supported on ${ctx.platform}: it knows systemd (Linux) and launchd (macOS)`, `run "git codex watch" under your system's own service manager or a supervisor`);
}
