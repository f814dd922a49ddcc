import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { ConfigError } from "../run/errors.ts";
import { contextPaths, nextSteps, readIfExists, reason, runChecked, serviceSpec, type ServiceContext } from "./context.ts";
import { SYSTEMD_UNIT_NAME } from "./paths.ts";
import { systemdUnit } from "./systemd.ts";

const UNIT = SYSTEMD_UNIT_NAME;
const LOGS_HINT = `see systemctl --user status ${UNIT} and journalctl --user -u ${UNIT}`;

/** The unit `install` writes, and where. */
export function renderSystemdUnit(ctx: ServiceContext): { path: string; content: string } {
  const paths = contextPaths(ctx);
  const content = systemdUnit({ ...serviceSpec(ctx), ...(paths.defaultConfigHome ? {} : { envFile: paths.envFile }) });
  return { path: paths.systemdUnit, content };
}

export async function installSystemd(ctx: ServiceContext): Promise<number> {
  const { path, content } = renderSystemdUnit(ctx);
  await requireUserSession(ctx, path);
  const previous = await readIfExists(path);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content, { mode: 0o644 });
  await systemctl(ctx, ["daemon-reload"]);
  await systemctl(ctx, ["enable", "--now", UNIT]);
  // enable --now leaves a running daemon on its old command line.
  if (previous !== undefined && previous !== content) await systemctl(ctx, ["try-restart", UNIT]);
  ctx.out.write(`${previous === undefined ? "Installed" : "Updated"} ${path}\n`);
  ctx.out.write(`${UNIT} is enabled and running; logs: journalctl --user -u ${UNIT} -f\n`);
  ctx.out.write(`It runs while you are logged in; to keep it running after logout: loginctl enable-linger ${userName(ctx)}\n`);
  ctx.out.write(await nextSteps(ctx, contextPaths(ctx)));
  return 0;
}

export async function uninstallSystemd(ctx: ServiceContext): Promise<number> {
  const path = contextPaths(ctx).systemdUnit;
  if ((await readIfExists(path)) === undefined) {
    ctx.out.write(`${UNIT} is not installed (no ${path}); nothing to do.\n`);
    return 0;
  }
  await requireUserSession(ctx, path, `or, if it is not running anywhere, delete ${path}`);
  await systemctl(ctx, ["disable", "--now", UNIT]);
  await rm(path, { force: true });
  await systemctl(ctx, ["daemon-reload"]);
  ctx.out.write(`Stopped and removed ${UNIT} (${path}).\n`);
  return 0;
}

export async function systemdStatus(ctx: ServiceContext): Promise<number> {
  const path = contextPaths(ctx).systemdUnit;
  if ((await readIfExists(path)) === undefined) {
    ctx.out.write(`${UNIT} is not installed (no ${path}); install it with: git codex service install\n`);
    return 1;
  }
  await requireUserSession(ctx, path);
  const result = await ctx.run("systemctl", ["--user", "status", UNIT, "--no-pager"]);
  ctx.out.write(result.stdout + result.stderr);
  return result.exitCode === 0 ? 0 : 1;
}

/**
 * `systemctl --user` needs a running user manager and its bus. Containers, plain ssh without
 * lingering and root shells without a login session have none, and every later command
 * would fail with a bus error that does not say why.
 */
export async function requireUserSession(ctx: ServiceContext, unitPath: string, extraHint = ""): Promise<void> {
  const probe = await ctx.run("systemctl", ["--user", "show-environment"]);
  if (probe.exitCode === 0) return;
  const alternatives = `or run "git codex watch" under your own supervisor (tmux, nohup, a system service); "git codex service install --print" prints the unit that would go to ${unitPath}${extraHint ? `; ${extraHint}` : ""}`;
  if (probe.spawnError !== undefined) {
    throw new ConfigError(`systemctl was not found (${probe.spawnError}): this system does not run systemd, so there is no user service manager to install into`, alternatives);
  }
  throw new ConfigError(
    `no systemd user session: "systemctl --user" cannot reach a user service manager (${reason(probe)})`,
    `log in through a session that starts one (a desktop or ssh login with systemd --user), or enable it for your user with "loginctl enable-linger ${userName(ctx)}"; ${alternatives}`,
  );
}

async function systemctl(ctx: ServiceContext, args: string[]): Promise<void> {
  await runChecked(ctx, "systemctl", ["--user", ...args], LOGS_HINT);
}

function userName(ctx: ServiceContext): string {
  return ctx.env.USER || ctx.env.LOGNAME || "$USER";
}
