import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushRefs, RefGuardError, type RefUpdate } from "../../src/git/push.ts";
import { resolveRef } from "../../src/git/refs.ts";
import { createRemoteAndClone, refsOf, type RemoteAndClone } from "./helpers.ts";

// One remote and clone for the file (tests run in order); each test pushes refs of its own.
let repo: RemoteAndClone;
let first: string;
let second: string;
let third: string;
beforeAll(async () => {
  repo = await createRemoteAndClone();
  first = repo.first;
  second = await repo.commit({}, "second");
  third = await repo.commit({}, "third");
});
afterAll(() => repo[Symbol.asyncDispose]());

const push = (...updates: RefUpdate[]) => pushRefs(repo.git, "origin", updates, { branchPrefix: "codex/" });
const remoteValue = (ref: string) => resolveRef(repo.remoteGit, ref);

describe("pushRefs against a real bare remote", () => {
  it("creates a ref that must not exist yet", async () => {
    expect(await push({ ref: "refs/codex/tasks/create", sha: first, expect: null })).toEqual([
      { ref: "refs/codex/tasks/create", ok: true, detail: "[new reference]" },
    ]);
    expect(await remoteValue("refs/codex/tasks/create")).toBe(first);
  });

  it("rejects a second create of the same ref and leaves the remote as it was", async () => {
    await push({ ref: "refs/codex/tasks/claim", sha: first, expect: null });
    expect(await push({ ref: "refs/codex/tasks/claim", sha: second, expect: null })).toEqual([
      { ref: "refs/codex/tasks/claim", ok: false, detail: "[rejected] (stale info)" },
    ]);
    expect(await remoteValue("refs/codex/tasks/claim")).toBe(first);
  });

  it("updates a ref whose lease matches the remote value", async () => {
    await push({ ref: "refs/codex/tasks/lease", sha: first, expect: null });
    const [outcome] = await push({ ref: "refs/codex/tasks/lease", sha: second, expect: first });
    expect(outcome?.ok).toBe(true);
    expect(await remoteValue("refs/codex/tasks/lease")).toBe(second);
  });

  it("rejects an update whose lease is not the remote value", async () => {
    await push({ ref: "refs/codex/tasks/stale", sha: first, expect: null });
    const [outcome] = await push({ ref: "refs/codex/tasks/stale", sha: third, expect: second });
    expect(outcome).toMatchObject({ ok: false, detail: "[rejected] (stale info)" });
    expect(await remoteValue("refs/codex/tasks/stale")).toBe(first);
  });

  it("takes a fast-forward update and rejects a non-fast-forward one", async () => {
    await push({ ref: "refs/heads/codex/ff", sha: first, expect: null });
    const [forward] = await push({ ref: "refs/heads/codex/ff", sha: second, expect: "fast-forward" });
    expect(forward?.ok).toBe(true);
    const [backward] = await push({ ref: "refs/heads/codex/ff", sha: first, expect: "fast-forward" });
    expect(backward).toMatchObject({ ok: false, detail: "[rejected] (non-fast-forward)" });
    expect(await remoteValue("refs/heads/codex/ff")).toBe(second);
  });

  it("updates nothing in an atomic batch when one lease is wrong", async () => {
    const before = await refsOf(repo.remoteGit);
    const outcomes = await push(
      { ref: "refs/codex/tasks/atomic-a", sha: second, expect: null },
      { ref: "refs/codex/tasks/atomic-b", sha: second, expect: first },
    );
    expect(outcomes.map((o) => [o.ref, o.ok])).toEqual([["refs/codex/tasks/atomic-a", false], ["refs/codex/tasks/atomic-b", false]]);
    expect(await refsOf(repo.remoteGit)).toBe(before);
  });

  it("throws RefGuardError before running git for a ref outside the allow-list", async () => {
    const before = await refsOf(repo.remoteGit);
    const pushing = push(
      { ref: "refs/codex/tasks/guarded", sha: second, expect: null },
      { ref: "refs/heads/main", sha: second, expect: first },
    );
    await expect(pushing).rejects.toThrow(RefGuardError);
    // The allowed ref of the same batch was not pushed either: git never ran.
    expect(await refsOf(repo.remoteGit)).toBe(before);
  });

  it("returns no outcome for an empty batch", async () => {
    expect(await push()).toEqual([]);
  });
});
