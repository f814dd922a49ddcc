import { existsSync } from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/run/errors.ts";
import { installService, serviceStatus, uninstallService } from "../../src/service/install.ts";
import { createFakeWorld } from "./helpers.ts";
import { readPlist } from "./plist-reader.ts";

const LABEL = "dev.git-codex.watch";
const SERVICE = `gui/501/${LABEL}`;
// `launchctl print` succeeds only once something was bootstrapped (a marker file beside the log).
const LAUNCHCTL = `marker="$(dirname "$0")/loaded"
case "$1" in
  print) [ -f "$marker" ] && { echo "state = running"; exit 0; }; echo "Could not find service" >&2; exit 113 ;;
  bootstrap) touch "$marker" ;;
  bootout) rm -f "$marker" ;;
esac
exit 0`;

async function darwinWorld() {
  const world = await createFakeWorld();
  await world.fake("id", "echo 501");
  await world.fake("launchctl", LAUNCHCTL);
  return world;
}

describe("git codex service on macOS (launchd)", () => {
  it("writes the agent plist, then enables and bootstraps it in the gui domain", async () => {
    await using world = await darwinWorld();
    const ctx = world.context({ platform: "darwin", args: ["watch", "/Users/al/R&D"] });
    expect(await installService(ctx)).toBe(0);
    const path = join(world.home, "Library/LaunchAgents", `${LABEL}.plist`);
    const plist = readPlist(await readFile(path, "utf8")) as Record<string, unknown>;
    expect(plist.ProgramArguments).toEqual(["/opt/node 24/bin/node", "/opt/git codex/bin/git-codex.js", "watch", "/Users/al/R&D"]);
    expect(JSON.stringify(plist)).not.toContain("sk-secret");
    expect(existsSync(join(world.home, "Library/Logs/git-codex"))).toBe(true);
    expect(await world.calls()).toEqual(["id -u", `launchctl print ${SERVICE}`, `launchctl enable ${SERVICE}`, `launchctl bootstrap gui/501 ${path}`]);
  });

  it("boots out a loaded agent before loading the new plist", async () => {
    await using world = await darwinWorld();
    await installService(world.context({ platform: "darwin" }));
    await installService(world.context({ platform: "darwin" }));
    expect((await world.calls()).slice(4)).toEqual(["id -u", `launchctl print ${SERVICE}`, `launchctl bootout ${SERVICE}`, `launchctl enable ${SERVICE}`, expect.stringMatching(/^launchctl bootstrap gui\/501 /)]);
  });

  it("uninstall boots out and removes the plist; a second uninstall has nothing to do", async () => {
    await using world = await darwinWorld();
    await installService(world.context({ platform: "darwin" }));
    expect(await uninstallService(world.context({ platform: "darwin" }))).toBe(0);
    expect(await readdir(join(world.home, "Library/LaunchAgents"))).toEqual([]);
    expect((await world.calls()).slice(4)).toEqual(["id -u", `launchctl print ${SERVICE}`, `launchctl bootout ${SERVICE}`]);
    const again = world.context({ platform: "darwin" });
    expect(await uninstallService(again)).toBe(0);
    expect(again.out.text()).toMatch(/not installed .*nothing to do/);
  });

  it("status shows launchctl print, or says the agent is not loaded", async () => {
    await using world = await darwinWorld();
    await installService(world.context({ platform: "darwin" }));
    const loaded = world.context({ platform: "darwin" });
    expect(await serviceStatus(loaded)).toBe(0);
    expect(loaded.out.text()).toBe("state = running\n");
    await world.fake("launchctl", `echo "Could not find service" >&2; exit 113`);
    const unloaded = world.context({ platform: "darwin" });
    expect(await serviceStatus(unloaded)).toBe(1);
    expect(unloaded.out.text()).toContain(`is installed but ${SERVICE} is not loaded (Could not find service)`);
  });

  it("--print writes the plist and touches nothing", async () => {
    await using world = await darwinWorld();
    const ctx = world.context({ platform: "darwin" });
    await installService(ctx, { print: true });
    expect((readPlist(ctx.out.text()) as Record<string, unknown>).Label).toBe(LABEL);
    expect(await readdir(world.home)).toEqual([]);
    expect(await world.calls()).toEqual([]);
  });
});

describe("git codex service elsewhere", () => {
  it("says the platform is not supported", async () => {
    await using world = await createFakeWorld();
    const error = await installService(world.context({ platform: "win32" })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/not supported on win32/);
  });
});
