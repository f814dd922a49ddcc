import { rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../src/util/logger.ts";
import { localRemoteGitDir, watchLocalRefs } from "../../src/watcher/index.ts";
import { createRemoteWorld, recordCalls } from "./helpers.ts";

const logger = silentLogger();

describe("watchLocalRefs", () => {
  it("reports a commit on the checked-out branch", async () => {
    await using world = await createRemoteWorld();
    const calls = recordCalls();
    await using _watcher = await watchLocalRefs({ dirs: [join(world.clone, ".git")], onChange: calls.onChange, logger });
    await world.commit(world.git, "second");
    const reason = await calls.waitFor((r) => r.includes("refs/heads/main"), "the commit");
    expect(reason).toBe(join(world.clone, ".git/refs/heads/main"));
  });

  it("sees a ref that git moves into place by renaming its lock file", async () => {
    await using world = await createRemoteWorld();
    const calls = recordCalls();
    await using _watcher = await watchLocalRefs({ dirs: [join(world.clone, ".git")], onChange: calls.onChange, logger });
    const heads = join(world.clone, ".git/refs/heads");
    await writeFile(join(heads, "topic.lock"), `${await world.git.run(["rev-parse", "HEAD"])}`);
    await rename(join(heads, "topic.lock"), join(heads, "topic"));
    expect(await calls.waitFor(() => true, "the renamed ref")).toBe(join(heads, "topic"));
  });

  it("notices refs/codex when it is created after the watcher started", async () => {
    await using world = await createRemoteWorld();
    const calls = recordCalls();
    await using _watcher = await watchLocalRefs({ dirs: [join(world.clone, ".git")], onChange: calls.onChange, logger });
    await world.git.run(["update-ref", "refs/codex/tasks/fix-typo/state", "HEAD"]);
    await calls.waitFor((r) => r.includes("refs/codex"), "the first task ref");
    await world.git.run(["update-ref", "refs/codex/tasks/fix-typo/other", "HEAD"]);
    await calls.waitFor((r) => r.includes("refs/codex/tasks/fix-typo/other"), "a ref inside the new folder");
  });

  it("reports a push to a local bare remote through the remote's git dir", async () => {
    await using world = await createRemoteWorld();
    const other = await world.cloneAgain("other");
    const remoteDir = localRemoteGitDir((await world.git.run(["remote", "get-url", "origin"])).trim(), world.clone);
    expect(remoteDir).toBe(world.remote);
    const calls = recordCalls();
    await using _watcher = await watchLocalRefs({ dirs: [join(world.clone, ".git"), world.remote], onChange: calls.onChange, logger });
    await world.commit(other, "from elsewhere");
    await other.run(["push", "--quiet", "origin", "main"]);
    await calls.waitFor((r) => r.includes(join(world.remote, "refs/heads/main")), "the push");
  });

  it("reports packed-refs, written by pack-refs and rewritten when a packed ref is deleted", async () => {
    await using world = await createRemoteWorld();
    await world.git.run(["branch", "old"]);
    const calls = recordCalls();
    await using _watcher = await watchLocalRefs({ dirs: [join(world.clone, ".git")], onChange: calls.onChange, logger });
    const packedRefs = join(world.clone, ".git/packed-refs");
    await world.git.run(["pack-refs", "--all"]);
    await calls.waitFor((r) => r.includes(packedRefs), "pack-refs");
    const before = calls.reasons.length;
    await world.git.run(["update-ref", "-d", "refs/heads/old"]);
    await calls.waitFor((r) => calls.reasons.indexOf(r) >= before, "the deletion of a packed ref");
    expect(calls.reasons.slice(before)).toEqual([packedRefs]);
  });

  it("reports 20 refs updated in one transaction in a few calls", async () => {
    await using world = await createRemoteWorld();
    const calls = recordCalls();
    await using _watcher = await watchLocalRefs({ dirs: [join(world.clone, ".git")], onChange: calls.onChange, logger });
    const head = (await world.git.run(["rev-parse", "HEAD"])).trim();
    const updates = burstRefs().map((ref) => `create ${ref} ${head}\n`).join("");
    await world.git.run(["update-ref", "--stdin"], { input: updates });
    await calls.waitFor((r) => r.includes("refs/heads/burst-20"), "the last update");
    expect(calls.reasons.length).toBeLessThanOrEqual(3);
  });

  it("reports 20 updates by separate git processes in a few calls when they come within the debounce", async () => {
    await using world = await createRemoteWorld();
    const calls = recordCalls();
    await using _watcher = await watchLocalRefs({ dirs: [join(world.clone, ".git")], onChange: calls.onChange, debounceMs: 1000, logger });
    for (const ref of burstRefs()) await world.git.run(["update-ref", ref, "HEAD"]);
    await calls.waitFor((r) => r.includes("refs/heads/burst-20"), "the last update");
    expect(calls.reasons.length).toBeLessThanOrEqual(3);
  });

  it("ignores the bot's private namespaces and lock files", async () => {
    await using world = await createRemoteWorld();
    const calls = recordCalls();
    await using _watcher = await watchLocalRefs({ dirs: [join(world.clone, ".git")], onChange: calls.onChange, logger });
    await world.git.run(["update-ref", "refs/codex-remote/origin/tasks/a", "HEAD"]);
    await world.git.run(["update-ref", "refs/codex-outbox/tasks/a", "HEAD"]);
    await writeFile(join(world.clone, ".git/refs/heads/stray.lock"), "");
    // A real change after the ignored ones: had those been reported, they would come first.
    await world.commit(world.git, "second");
    await calls.waitFor(() => true, "the commit");
    expect(calls.reasons).toEqual([join(world.clone, ".git/refs/heads/main")]);
  });

  it("reports nothing once closed", async () => {
    await using world = await createRemoteWorld();
    const dirs = [join(world.clone, ".git")];
    const closed = recordCalls();
    const watcher = await watchLocalRefs({ dirs, onChange: closed.onChange, debounceMs: 0, logger });
    // A second, slower watcher tells when the change has surely reached the first one.
    const witness = recordCalls();
    await using _witness = await watchLocalRefs({ dirs, onChange: witness.onChange, debounceMs: 100, logger });
    await watcher.close();
    await world.commit(world.git, "after close");
    await witness.waitFor(() => true, "the witness");
    expect(closed.reasons).toEqual([]);
  });

  it("rejects a negative debounce", async () => {
    await expect(watchLocalRefs({ dirs: [], onChange: () => {}, debounceMs: -1, logger })).rejects.toThrow(/debounceMs/);
  });
});

function burstRefs(): string[] {
  return Array.from({ length: 20 }, (_, i) => `refs/heads/burst-${String(i + 1).padStart(2, "0")}`);
}
