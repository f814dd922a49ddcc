import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CLI_SCRIPT, serviceCommand, watchArgs } from "../../src/cli/commands/service.ts";
import { ConfigError } from "../../src/run/errors.ts";
import { captured, createFakeWorld } from "./helpers.ts";
import { execStartArgv, unitValues } from "./systemd-syntax.ts";

describe("serviceCommand", () => {
  it("runs this package's bin/git-codex.js by absolute path", () => {
    expect(CLI_SCRIPT).toMatch(/\/bin\/git-codex\.js$/);
    expect(existsSync(CLI_SCRIPT)).toBe(true);
  });

  it("builds the watch arguments, resolving relative repositories", () => {
    expect(watchArgs({ repos: [] })).toEqual(["watch"]);
    expect(watchArgs({ poll: "5m", repos: ["a", "/srv/b"], cwd: "/home/x" })).toEqual(["watch", "--poll", "5m", "/home/x/a", "/srv/b"]);
  });

  it("rejects a --poll that is not a duration", () => {
    expect(() => watchArgs({ poll: "soon", repos: [] })).toThrow(ConfigError);
  });

  it.skipIf(process.platform !== "linux")("install --print prints a unit running this node and this package", async () => {
    await using world = await createFakeWorld();
    const out = captured();
    const code = await serviceCommand("install", { print: true, poll: "30s", repos: ["/srv/r"], env: { HOME: world.home, PATH: "/usr/bin" }, out, err: captured() });
    expect(code).toBe(0);
    expect(execStartArgv(unitValues(out.text(), "ExecStart")[0]!)).toEqual([process.execPath, CLI_SCRIPT, "watch", "--poll", "30s", "/srv/r"]);
  });
});
