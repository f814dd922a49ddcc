import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/run/errors.ts";
import { systemdUnit } from "../../src/service/systemd.ts";
import { runProcess } from "../../src/util/process.ts";
import { createFakeWorld } from "./helpers.ts";
import { environmentOf, execStartArgv, unitValues } from "./systemd-syntax.ts";

const TRICKY_ARGS = ["watch", "--poll", "30s", "/srv/my repos/a b", "/srv/100%/x", "/srv/$HOME/${USER}/$$", "/srv/say \"hi\"/it's", "/srv/back\\slash", ";", "/srv/tab\there", ""];
const analyze = await runProcess("systemd-analyze", ["--version"], { cwd: "/", env: { PATH: process.env.PATH }, timeoutMs: 10_000 });
const base = { node: "/opt/node 24%/bin/node", cli: "/opt/git $codex/bin/git-codex.js", args: TRICKY_ARGS, env: { PATH: "/usr/bin:/bin", HOME: "/home/al ice" } };

describe("systemdUnit", () => {
  it("quotes every ExecStart argument so systemd starts exactly node, the script and the arguments", () => {
    const [execStart, ...more] = unitValues(systemdUnit(base), "ExecStart");
    expect(more).toEqual([]);
    expect(execStartArgv(execStart!)).toEqual([base.node, base.cli, ...TRICKY_ARGS]);
  });

  it("doubles % and $ and escapes quotes and backslashes", () => {
    const execStart = unitValues(systemdUnit(base), "ExecStart")[0]!;
    expect(execStart).toContain(`"/srv/100%%/x"`);
    expect(execStart).toContain('"/srv/$$HOME/$${USER}/$$$$"');
    expect(execStart).toContain(`"/srv/say \\"hi\\"/it's"`);
    expect(execStart).toContain(`"/srv/back\\\\slash"`);
    expect(execStart).toContain(`"/srv/tab\\x09here"`);
    // systemd resolves specifiers in the executable but never `$$` there.
    expect(execStart.startsWith(`"/opt/node 24%%/bin/node" "/opt/git $$codex/bin/git-codex.js"`)).toBe(true);
  });

  it("has the service settings the daemon relies on", () => {
    const unit = systemdUnit(base);
    const settings = ["Type", "Restart", "RestartSec", "KillSignal", "TimeoutStopSec", "WantedBy"].map((key) => unitValues(unit, key));
    expect(settings).toEqual([["simple"], ["on-failure"], ["5"], ["SIGTERM"], ["60"], ["default.target"]]);
    expect(unit).toMatch(/^\[Unit\]$[\s\S]*^\[Service\]$[\s\S]*^\[Install\]$/m);
    expect(unitValues(unit, "EnvironmentFile")).toEqual(["-%h/.config/git-codex/env"]);
    expect(unit).toMatch(/^# .*OPENAI_API_KEY/m);
    expect(unit).toContain("chmod 600 ~/.config/git-codex/env");
  });

  it("writes the environment as quoted assignments that read back unchanged", () => {
    const env = { PATH: "/opt/my bin:/usr/bin", HOME: "/home/50% \"x\"", XDG_CONFIG_HOME: "/cfg/$x" };
    expect(environmentOf(systemdUnit({ ...base, env }))).toEqual(env);
  });

  it("points EnvironmentFile at a custom config home, escaping %", () => {
    const unit = systemdUnit({ ...base, envFile: "/cfg/100%/git-codex/env" });
    expect(unitValues(unit, "EnvironmentFile")).toEqual(["-/cfg/100%%/git-codex/env"]);
    expect(unit).toContain("chmod 600 '/cfg/100%/git-codex/env'");
  });

  it("refuses to write a variable that looks like a secret", () => {
    expect(() => systemdUnit({ ...base, env: { ...base.env, OPENAI_API_KEY: "sk-secret" } })).toThrow(/OPENAI_API_KEY/);
  });

  it("refuses an executable path systemd cannot start, with a hint", () => {
    const error = (() => {
      try {
        systemdUnit({ ...base, node: `/opt/"odd"/node` });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/quotes, backslashes/);
  });

  it.skipIf(analyze.exitCode !== 0)("passes systemd-analyze verify with a node under a path with spaces, % and $", async () => {
    await using world = await createFakeWorld();
    const dir = join(world.root, "node 24%", "$bin");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "node"), "#!/bin/sh\n");
    await chmod(join(dir, "node"), 0o755);
    const unitPath = join(world.root, "git-codex.service");
    await writeFile(unitPath, systemdUnit({ ...base, node: join(dir, "node") }));
    const result = await runProcess("systemd-analyze", ["verify", unitPath], { cwd: world.root, env: { PATH: process.env.PATH }, timeoutMs: 30_000 });
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
  });
});
