import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { ConfigError } from "../run/errors.ts";
import { commandFailed, contextPaths, nextSteps, readIfExists, reason, serviceSpec, type ServiceContext } from "./context.ts";
import { LAUNCHD_LABEL } from "./paths.ts";
import { launchdPlist } from "./launchd.ts";

/** The plist `install` writes, and where. */
export function renderLaunchdPlist(ctx: ServiceContext): { path: string; content: string } {
  return { path: contextPaths(ctx).launchdPlist, content: launchdPlist({ ...serviceSpec(ctx), home: ctx.home }) };
}

export async function installLaunchd(ctx: ServiceContext): Promise<number> {
  const { path, content } = renderLaunchdPlist(ctx);
  const paths = contextPaths(ctx);
  const { domain, service } = await launchdTargets(ctx);
  const previous = await readIfExists(path);
  // bootstrap refuses a label that is already loaded, so an update unloads the old one first.
  if (await isLoaded(ctx, service)) await launchctl(ctx, ["bootout", service]);
  await mkdir(dirname(path), { recursive: true });
  await mkdir(paths.launchdLogDir, { recursive: true });
  await writeFile(path, content, { mode: 0o644 });
  await launchctl(ctx, ["enable", service]);
  await launchctl(ctx, ["bootstrap", domain, path]);
  ctx.out.write(`${previous === undefined ? "Installed" : "Updated"} ${path}\n`);
  ctx.out.write(`${LAUNCHD_LABEL} is loaded and starts at every login; logs: ${paths.launchdLogDir}/\n`);
  ctx.out.write(await nextSteps(ctx, paths));
  return 0;
}

export async function uninstallLaunchd(ctx: ServiceContext): Promise<number> {
  const path = contextPaths(ctx).launchdPlist;
  if ((await readIfExists(path)) === undefined) {
    ctx.out.write(`${LAUNCHD_LABEL} is not installed (no ${path}); nothing to do.\n`);
    return 0;
  }
  const { service } = await launchdTargets(ctx);
  if (await isLoaded(ctx, service)) await launchctl(ctx, ["bootout", service]);
  await rm(path, { force: true });
  ctx.out.write(`Stopped and removed ${LAUNCHD_LABEL} (${path}).\n`);
  return 0;
}

export async function launchdStatus(ctx: ServiceContext): Promise<number> {
  const path = contextPaths(ctx).launchdPlist;
  if ((await readIfExists(path)) === undefined) {
    ctx.out.write(`${LAUNCHD_LABEL} is not installed (no ${path}); install it with: git codex service install\n`);
    return 1;
  }
  const { service } = await launchdTargets(ctx);
  const result = await ctx.run("launchctl", ["print", service]);
  if (result.exitCode === 0) {
    ctx.out.write(result.stdout);
    return 0;
  }
  ctx.out.write(`${path} is installed but ${service} is not loaded (${reason(result)}); load it with: git codex service install\n`);
  return 1;
}

/** `gui/<uid>` is the logged-in user's domain, where LaunchAgents live. */
async function launchdTargets(ctx: ServiceContext): Promise<{ domain: string; service: string }> {
  const id = await ctx.run("id", ["-u"]);
  const uid = id.stdout.trim();
  if (id.exitCode !== 0 || !/^\d+$/.test(uid)) throw new ConfigError(`could not read your user id with "id -u": ${reason(id)}`, "check that /usr/bin/id is on PATH");
  return { domain: `gui/${uid}`, service: `gui/${uid}/${LAUNCHD_LABEL}` };
}

async function isLoaded(ctx: ServiceContext, service: string): Promise<boolean> {
  const result = await ctx.run("launchctl", ["print", service]);
  if (result.spawnError !== undefined) throw new ConfigError(`launchctl was not found (${result.spawnError})`, "this command manages a launchd agent and needs macOS's /bin/launchctl on PATH");
  return result.exitCode === 0;
}

async function launchctl(ctx: ServiceContext, args: string[]): Promise<void> {
  const result = await ctx.run("launchctl", args);
  if (result.exitCode !== 0) throw commandFailed("launchctl", args, result, LAUNCHCTL_HINT);
}

const LAUNCHCTL_HINT = `gui/<uid> exists only while you are logged in to the Mac's desktop; over ssh, log in at the console too, or run "git codex watch" under your own supervisor (tmux, nohup)`;
