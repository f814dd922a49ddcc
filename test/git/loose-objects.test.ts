import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { identityEnv } from "../../src/git/commit.ts";
import { encodeCommit, encodeTree, hashObject, openLooseObjects, timeZone, withoutCrud, type TreeEntry } from "../../src/git/loose-objects.ts";
import { createTempRepo } from "../unit/helpers.ts";

const BOT = { name: "Codex Bot", email: "codex@example.com" };

describe("objects written in process", () => {
  it("gives a blob the id git gives it and git reads it back", async () => {
    await using repo = await createTempRepo();
    const objects = await openLooseObjects(repo.git);
    const content = "ünïcode ✓\nsecond line\n";
    const id = await objects!.write("blob", Buffer.from(content));
    expect(id).toBe((await repo.git.run(["hash-object", "--stdin"], { input: content })).trim());
    expect(await repo.git.run(["cat-file", "-p", id])).toBe(content);
    expect(hashObject("blob", Buffer.alloc(0)).id).toBe("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"); // git's empty blob
  });

  it("sorts a tree's entries as git does, folders as their name plus a slash", async () => {
    await using repo = await createTempRepo();
    const objects = (await openLooseObjects(repo.git))!;
    const blob = await objects.write("blob", Buffer.from("x\n"));
    const sub = await objects.write("tree", encodeTree([{ mode: "100644", type: "blob", id: blob, name: "inner" }]));
    const names = ["b", "a.b", "a-b", "A", "é", "a0", "transcript.jsonl", "status.json"];
    const entries: TreeEntry[] = [...names.map((name) => ({ mode: "100644", type: "blob", id: blob, name })), { mode: "040000", type: "tree", id: sub, name: "a" }];
    const listing = entries.map((e) => `${e.mode} ${e.type} ${e.id}\t${e.name}\0`).join("");
    const tree = await objects.write("tree", encodeTree(entries));
    expect(tree).toBe((await repo.git.run(["mktree", "-z"], { input: listing })).trim());
    expect(await repo.git.run(["ls-tree", "-r", "--name-only", tree])).toContain("a/inner\n");
  });

  it("refuses tree entries git could not hold, with the name in the error", () => {
    const id = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391";
    expect(() => encodeTree([{ mode: "100644", type: "blob", id, name: "a/b" }])).toThrow(/invalid tree entry name "a\/b"/);
    expect(() => encodeTree([{ mode: "100644", type: "blob", id, name: "" }])).toThrow(/invalid tree entry name/);
    expect(() => encodeTree([{ mode: "100644", type: "blob", id: "xyz", name: "f" }])).toThrow(/invalid object id "xyz" for f/);
    expect(() => encodeTree([{ mode: "100644", type: "blob", id, name: "f" }, { mode: "100644", type: "blob", id, name: "f" }])).toThrow(/duplicate tree entry "f"/);
  });

  it("writes an object read-only, through a temporary file that does not stay, and leaves an existing one alone", async () => {
    await using repo = await createTempRepo();
    const objects = (await openLooseObjects(repo.git))!;
    const id = await objects.write("blob", Buffer.from("once\n"));
    const path = join(objects.dir, id.slice(0, 2), id.slice(2));
    const first = await stat(path);
    expect(first.mode & 0o222).toBe(0); // nobody may write it, as git makes objects
    expect(await objects.write("blob", Buffer.from("once\n"))).toBe(id);
    expect((await stat(path)).ino).toBe(first.ino);
    expect((await readdir(join(objects.dir, id.slice(0, 2)))).filter((name) => name.startsWith("tmp_"))).toEqual([]);
  });
});

describe("a commit written in process", () => {
  const zone = process.env.TZ;
  afterEach(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  // git dates a commit in the machine's zone: both sides see the same TZ, as the bot's git calls do.
  for (const tz of ["UTC", "Asia/Kolkata", "America/St_Johns"]) {
    it(`has the id git commit-tree gives it for the same identity and second (TZ=${tz})`, async () => {
      process.env.TZ = tz;
      await using repo = await createTempRepo();
      const tree = (await repo.git.run(["mktree"], { input: "" })).trim();
      const message = "codex: task-1 queued: ünïcode ✓\n\nbody\n";
      // A name and email with the crud git trims and the brackets it drops.
      const identity = { name: ' "Codex, <Bot>" ', email: "<codex@example.com>; " };
      const parent = (await repo.git.run(["commit-tree", tree], { input: "root\n", env: { TZ: tz, ...identityEnv(BOT) } })).trim();
      const byGit = (await repo.git.run(["commit-tree", tree, "-p", parent], { input: message, env: { TZ: tz, ...identityEnv(identity) } })).trim();
      const seconds = Number(/^committer .* (\d+) [-+]\d{4}$/m.exec(await repo.git.run(["cat-file", "commit", byGit]))![1]);
      const body = encodeCommit({ tree, parents: [parent], identity, message, atMs: seconds * 1000 + 999 });
      expect(hashObject("commit", body!).id).toBe(byGit);
    });
  }

  it("formats the zone as git does, west of UTC and on the half hour", () => {
    process.env.TZ = "America/St_Johns";
    expect(timeZone(Date.UTC(2024, 0, 15))).toBe("-0330");
    expect(timeZone(Date.UTC(2024, 6, 15))).toBe("-0230");
    process.env.TZ = "Asia/Kolkata";
    expect(timeZone(Date.UTC(2024, 0, 15))).toBe("+0530");
  });

  it("leaves to git the messages and identities git would change or refuse", () => {
    const fields = { tree: "4b825dc642cb6eb9a060e54bf8d69288fbee4904", parents: [], identity: BOT, message: "ok\n", atMs: 0 };
    expect(encodeCommit(fields)).toBeDefined();
    expect(encodeCommit({ ...fields, message: "nul \0 inside\n" })).toBeUndefined();
    expect(encodeCommit({ ...fields, message: "nonchar \uffff\n" })).toBeUndefined();
    expect(encodeCommit({ ...fields, message: "nonchar \ufdd0\n" })).toBeUndefined();
    expect(encodeCommit({ ...fields, message: "nonchar \u{1fffe}\n" })).toBeUndefined();
    expect(encodeCommit({ ...fields, identity: { name: " <> ", email: BOT.email } })).toBeUndefined();
    expect(withoutCrud(" .a<b>\nc; ")).toBe(".abc");
  });
});

describe("where objects go", () => {
  it("writes into the common git dir from a linked worktree", async () => {
    await using repo = await createTempRepo();
    await repo.commit({ "a.txt": "a\n" }, "first");
    const linked = join(repo.root, "linked");
    await repo.git.run(["worktree", "add", "--quiet", "--detach", linked]);
    const objects = await openLooseObjects(repo.git.at(linked));
    expect(objects?.dir).toBe(join(repo.dir, ".git", "objects"));
    const id = await objects!.write("blob", Buffer.from("from the worktree\n"));
    expect(await repo.git.run(["cat-file", "-p", id])).toBe("from the worktree\n");
  });

  it("is not used where git would write objects or commits differently", async () => {
    for (const [key, value] of [["core.sharedRepository", "group"], ["commit.gpgSign", "true"], ["i18n.commitEncoding", "ISO-8859-1"], ["core.fsyncObjectFiles", "true"]] as const) {
      await using repo = await createTempRepo();
      expect(await openLooseObjects(repo.git)).toBeDefined();
      await repo.git.run(["config", key, value]);
      expect(await openLooseObjects(repo.git), key).toBeUndefined();
    }
    await using repo = await createTempRepo();
    await repo.git.run(["config", "core.sharedRepository", "umask"]);
    await repo.git.run(["config", "commit.gpgSign", "false"]);
    expect(await openLooseObjects(repo.git)).toBeDefined();
  });

  it("is not used in a SHA-256 repository", async () => {
    await using repo = await createTempRepo();
    const dir = join(repo.root, "sha256");
    await repo.git.run(["init", "--quiet", "--object-format=sha256", dir]);
    expect(await openLooseObjects(repo.git.at(dir))).toBeUndefined();
  });
});
