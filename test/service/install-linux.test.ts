import { existsSync } from "node:fs";
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/run/errors.ts";
import { installService, serviceStatus, uninstallService } from "../../src/service/install.ts";
import { runProcess } from "../../src/util/process.ts";
import { createFakeWorld } from "./helpers.ts";
import { execStartArgv, unitValues } from "./systemd-syntax.ts";

const NO_BUS = `if [ "$2" = show-environment ]; then echo "Failed to connect to bus: No medium found" >&2; exit 1; fi`;
const UNIT = "git-codex.service";

async function configErrorOf(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe("git codex service on Linux (systemd)", () => {
  it("writes the unit under ~/.config/systemd/user, then reloads and enables it", async () => {
    await using world = await createFakeWorld();
    await world.fake("systemctl");
    const ctx = world.context({ args: ["watch", "--poll", "30s", "/srv/my repo"] });
    expect(await installService(ctx)).toBe(0);
    const unit = await readFile(join(world.home, ".config/systemd/user", UNIT), "utf8");
    expect(execStartArgv(unitValues(unit, "ExecStart")[0]!)).toEqual(["/opt/node 24/bin/node", "/opt/git codex/bin/git-codex.js", "watch", "--poll", "30s", "/srv/my repo"]);
    expect(await world.calls()).toEqual(["systemctl --user show-environment", "systemctl --user daemon-reload", `systemctl --user enable --now ${UNIT}`]);
    expect(ctx.out.text()).toContain(`Installed ${join(world.home, ".config/systemd/user", UNIT)}`);
    expect(ctx.out.text()).toContain(`OPENAI_API_KEY is set in this shell, but the service does not see it: put OPENAI_API_KEY=... in ${join(world.home, ".config/git-codex/env")}`);
  });

  it("never writes a secret from the environment into the unit", async () => {
    await using world = await createFakeWorld();
    await world.fake("systemctl");
    const ctx = world.context({ extraEnv: { GITHUB_TOKEN: "ghp_secret_token_value", GIT_CODEX_PASSWORD: "hunter2" } });
    await installService(ctx);
    const unit = await readFile(join(world.home, ".config/systemd/user", UNIT), "utf8");
    for (const secret of ["sk-secret-test-0123456789", "ghp_secret_token_value", "hunter2"]) expect(unit).not.toContain(secret);
    expect(unit).toContain(`Environment="HOME=${world.home}"`);
    expect(unit).toContain("EnvironmentFile=-%h/.config/git-codex/env");
  });

  it("honours XDG_CONFIG_HOME for the unit and the env file", async () => {
    await using world = await createFakeWorld();
    await world.fake("systemctl");
    const config = join(world.root, "xdg config");
    await mkdir(join(config, "git-codex"), { recursive: true });
    await writeFile(join(config, "git-codex", "repos"), "/srv/repo\n");
    const ctx = world.context({ extraEnv: { XDG_CONFIG_HOME: config } });
    await installService(ctx);
    const unit = await readFile(join(config, "systemd/user", UNIT), "utf8");
    expect(unitValues(unit, "EnvironmentFile")).toEqual([`-${join(config, "git-codex/env")}`]);
    expect(existsSync(join(world.home, ".config"))).toBe(false);
    expect(ctx.out.text()).not.toContain("no repositories");
  });

  it("restarts a running service when a reinstall changes the unit", async () => {
    await using world = await createFakeWorld();
    await world.fake("systemctl");
    await installService(world.context());
    await installService(world.context());
    await installService(world.context({ args: ["watch", "--poll", "5m"] }));
    const calls = await world.calls();
    expect(calls.filter((call) => call.includes("try-restart"))).toEqual([`systemctl --user try-restart ${UNIT}`]);
    expect(calls.at(-1)).toBe(`systemctl --user try-restart ${UNIT}`);
  });

  it("says there is no systemd user session, and writes nothing, when the bus is missing", async () => {
    await using world = await createFakeWorld();
    await world.fake("systemctl", NO_BUS);
    const error = await configErrorOf(installService(world.context()));
    expect(error.message).toMatch(/^no systemd user session: .*Failed to connect to bus: No medium found/);
    expect(error.hint).toContain("loginctl enable-linger alice");
    expect(error.hint).toContain("git codex service install --print");
    expect(error.hint).toContain(join(world.home, ".config/systemd/user", UNIT));
    expect(await readdir(world.home)).toEqual([]);
    expect(await world.calls()).toEqual(["systemctl --user show-environment"]);
  });

  it("says systemctl is missing when it is not on PATH", async () => {
    await using world = await createFakeWorld();
    const error = await configErrorOf(installService(world.context({ extraEnv: { PATH: world.bin } })));
    expect(error.message).toMatch(/^systemctl was not found .*does not run systemd/);
    expect(await readdir(world.home)).toEqual([]);
  });

  it("--print writes the unit to stdout and touches nothing", async () => {
    await using world = await createFakeWorld();
    await world.fake("systemctl", NO_BUS);
    const ctx = world.context();
    expect(await installService(ctx, { print: true })).toBe(0);
    expect(ctx.out.text()).toMatch(/^# Written by `git codex service install`[\s\S]*\[Service\][\s\S]*ExecStart="\/opt\/node 24\/bin\/node"/);
    expect(ctx.out.text()).not.toContain("sk-secret");
    expect(await readdir(world.home)).toEqual([]);
    expect(await world.calls()).toEqual([]);
  });

  it("uninstall disables, removes and reloads; a second uninstall has nothing to do", async () => {
    await using world = await createFakeWorld();
    await world.fake("systemctl");
    await installService(world.context());
    const first = world.context();
    expect(await uninstallService(first)).toBe(0);
    expect(existsSync(join(world.home, ".config/systemd/user", UNIT))).toBe(false);
    expect((await world.calls()).slice(3)).toEqual(["systemctl --user show-environment", `systemctl --user disable --now ${UNIT}`, "systemctl --user daemon-reload"]);
    const second = world.context();
    expect(await uninstallService(second)).toBe(0);
    expect(second.out.text()).toMatch(/is not installed .*nothing to do/);
    expect(await world.calls()).toHaveLength(6);
  });

  it("status passes systemctl's report through, or says the service is not installed", async () => {
    await using world = await createFakeWorld();
    await world.fake("systemctl", `[ "$2" = status ] && echo "Active: active (running)"; exit 0`);
    const before = world.context();
    expect(await serviceStatus(before)).toBe(1);
    expect(before.out.text()).toContain("not installed");
    await installService(world.context());
    const after = world.context();
    expect(await serviceStatus(after)).toBe(0);
    expect(after.out.text()).toBe("Active: active (running)\n");
    expect((await world.calls()).at(-1)).toBe(`systemctl --user status ${UNIT} --no-pager`);
  });

  it("reports a failing systemctl step with the command and where to look", async () => {
    await using world = await createFakeWorld();
    await world.fake("systemctl", `[ "$2" = enable ] && { echo "Failed to enable unit: Unit file git-codex.service does not exist." >&2; exit 1; }; exit 0`);
    const error = await configErrorOf(installService(world.context()));
    expect(error.message).toBe(`systemctl --user enable --now ${UNIT} failed: Failed to enable unit: Unit file git-codex.service does not exist.`);
    expect(error.hint).toContain("journalctl --user -u git-codex.service");
  });
});

// This machine's own systemctl: in a container or CI there is no user session, and the
// answer must be the clear ConfigError. Where a session exists, installing is not a test.
const real = await runProcess("systemctl", ["--user", "show-environment"], { cwd: tmpdir(), env: process.env, timeoutMs: 10_000 });
describe.skipIf(real.spawnError !== undefined || real.exitCode === 0)("git codex service with this machine's systemctl", () => {
  it("fails with a ConfigError naming the missing user session, not a crash", async () => {
    await using world = await createFakeWorld();
    const ctx = world.context({ extraEnv: { PATH: process.env.PATH ?? "/usr/bin:/bin" }, run: (file, args) => runProcess(file, args, { cwd: world.home, env: { ...process.env, HOME: world.home }, timeoutMs: 10_000 }) });
    const error = await configErrorOf(installService(ctx));
    expect(error.message).toMatch(/^no systemd user session: "systemctl --user" cannot reach a user service manager/);
    expect(await readdir(world.home)).toEqual([]);
  });
});
