import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../src/util/logger.ts";
import { pollRemote, watchLocalRefs, type RefChange } from "../../src/watcher/index.ts";
import { readRefValue, trackOwnWrites, updateRefWrites } from "../../src/watcher/own-writes.ts";
import { createManualClock } from "../helpers/manual-clock.ts";
import { createRemoteWorld, recordCalls, within, type RemoteWorld } from "./helpers.ts";

const logger = silentLogger();

/** The watcher's bursts, kept with their changes, to ask what explains them. */
async function watchBursts(dirs: string[]) {
  const bursts: RefChange[][] = [];
  const calls = recordCalls();
  const watcher = await watchLocalRefs({ dirs, logger, onChange: (reason, changes) => {
    bursts.push(changes);
    calls.onChange(reason);
  } });
  return { bursts, calls, watcher };
}

async function sha(world: RemoteWorld): Promise<string> {
  return (await world.git.run(["rev-parse", "HEAD"])).trim();
}

describe("trackOwnWrites", () => {
  it("explains the refs its runner wrote in the clone and pushed to a remote on this disk", async () => {
    await using world = await createRemoteWorld();
    const own = trackOwnWrites(world.git, { local: join(world.clone, ".git"), remote: world.remote }, Date.now);
    const { bursts, calls, watcher } = await watchBursts([join(world.clone, ".git"), world.remote]);
    await using _ = watcher;
    const head = await sha(world);

    await own.git.run(["update-ref", "-m", "git-codex", "refs/codex/tasks/a", head, "0".repeat(40)]);
    await own.git.run(["push", "--quiet", "--porcelain", "--atomic", "--force-with-lease=refs/codex/tasks/a:", "origin", `${head}:refs/codex/tasks/a`]);
    await calls.waitFor((r) => r.includes(join(world.remote, "refs/codex/tasks/a")), "the push");

    const changes = bursts.flat();
    expect(changes.some((c) => c.path === join(world.clone, ".git/refs/codex/tasks/a"))).toBe(true);
    expect(await own.explains(changes)).toBe(true);
  });

  it("does not explain a ref another process wrote, or one it wrote that someone moved since", async () => {
    await using world = await createRemoteWorld();
    const own = trackOwnWrites(world.git, { local: join(world.clone, ".git"), remote: world.remote }, Date.now);
    const head = await sha(world);
    const other = await world.cloneAgain("other");
    const theirs = await world.commit(other, "theirs");
    const ref = (dir: string, name: string): RefChange => ({ path: join(dir, name), dir: false });

    await world.git.run(["update-ref", "refs/codex/tasks/b", head]); // not through the tracked runner
    expect(await own.explains([ref(join(world.clone, ".git"), "refs/codex/tasks/b")])).toBe(false);

    await own.git.run(["update-ref", "refs/codex/tasks/c", head]);
    await world.git.run(["update-ref", "refs/codex/tasks/c", await world.commit(world.git, "moved by someone")]);
    expect(await own.explains([ref(join(world.clone, ".git"), "refs/codex/tasks/c")])).toBe(false);

    await own.git.run(["push", "--quiet", "origin", `${head}:refs/codex/tasks/d`]);
    await other.run(["push", "--quiet", "--force", "origin", `${theirs}:refs/codex/tasks/d`]);
    expect(await own.explains([ref(world.remote, "refs/codex/tasks/d")])).toBe(false);
    // One real change among its own is a real change.
    await own.git.run(["update-ref", "refs/codex/tasks/e", head]);
    expect(await own.explains([ref(join(world.clone, ".git"), "refs/codex/tasks/e"), ref(join(world.clone, ".git"), "refs/codex/tasks/b")])).toBe(false);
    expect(await own.explains([ref(join(world.clone, ".git"), "refs/codex/tasks/e"), { path: join(world.clone, ".git/refs/codex/tasks"), dir: true }])).toBe(true);
    expect(await own.explains([{ path: join(world.clone, ".git/packed-refs"), dir: false }])).toBe(false);
    expect(await own.explains([])).toBe(false);
  });

  it("forgets what it wrote after ten minutes", async () => {
    await using world = await createRemoteWorld();
    let now = 1_000_000;
    const own = trackOwnWrites(world.git, { local: join(world.clone, ".git") }, () => now);
    await own.git.run(["update-ref", "refs/codex/tasks/f", await sha(world)]);
    const change = { path: join(world.clone, ".git/refs/codex/tasks/f"), dir: false };
    expect(await own.explains([change])).toBe(true);
    now += 10 * 60_000;
    expect(await own.explains([change])).toBe(false);
  });

  it("keeps a poll quiet after its own push, and not after someone else's", async () => {
    await using world = await createRemoteWorld();
    const own = trackOwnWrites(world.git, { local: join(world.clone, ".git") }, Date.now);
    const clock = createManualClock();
    const calls = recordCalls();
    const controller = new AbortController();
    const done = pollRemote({ git: world.git, remote: "origin", intervalMs: 1000, random: () => 0.5, clock, onChange: calls.onChange, explains: own.explainsRemote, signal: controller.signal });
    await within(clock.nextSleep(), "the first poll");

    await own.git.run(["push", "--quiet", "origin", `${await sha(world)}:refs/codex/tasks/g`]);
    clock.wake();
    await within(clock.nextSleep(), "the poll after its own push");
    expect(calls.reasons).toEqual([]);

    const other = await world.cloneAgain("other");
    await world.commit(other, "from elsewhere");
    await other.run(["push", "--quiet", "origin", "main"]);
    clock.wake();
    await within(clock.nextSleep(), "the poll after another push");
    expect(calls.reasons).toEqual(["remote"]);
    controller.abort();
    await within(done, "the end of polling");
  });
});

describe("updateRefWrites", () => {
  const a = "a".repeat(40);
  const b = "b".repeat(40);
  it("reads the ref and new value of each form of update-ref", () => {
    expect(updateRefWrites(["update-ref", "-m", "git-codex", "refs/codex/x", a, b], undefined)).toEqual([["refs/codex/x", a]]);
    expect(updateRefWrites(["update-ref", "refs/codex-remote/origin/heads/codex/y", a], undefined)).toEqual([["refs/codex-remote/origin/heads/codex/y", a]]);
    expect(updateRefWrites(["update-ref", "-d", "refs/codex-outbox/z"], undefined)).toEqual([["refs/codex-outbox/z", null]]);
    expect(updateRefWrites(["update-ref", "--stdin"], `start\nupdate refs/codex/x ${a} ${b}\ncreate refs/codex/y ${b}\ndelete refs/codex/z\ncommit\n`)).toEqual([["refs/codex/x", a], ["refs/codex/y", b], ["refs/codex/z", null]]);
    expect(updateRefWrites(["update-ref", "refs/codex/x", "HEAD"], undefined)).toEqual([]);
  });
});

describe("readRefValue", () => {
  it("reads a loose ref, a packed one, and says null for a ref that does not exist", async () => {
    await using world = await createRemoteWorld();
    const gitDir = join(world.clone, ".git");
    const head = await sha(world);
    expect(await readRefValue(gitDir, "refs/heads/main")).toBe(head);
    await world.git.run(["pack-refs", "--all"]);
    expect(await readRefValue(gitDir, "refs/heads/main")).toBe(head);
    expect(await readRefValue(gitDir, "refs/heads/mai")).toBeNull();
    expect(await readRefValue(gitDir, "refs/heads")).toBeUndefined();
  });
});
