import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { localRemoteGitDir, localRemotePath } from "../../src/watcher/index.ts";
import { createRemoteWorld } from "./helpers.ts";

describe("localRemotePath", () => {
  it.each([
    ["/srv/git/project.git", "/srv/git/project.git"],
    ["../remote.git", "/home/ada/remote.git"],
    ["./sub/remote", "/home/ada/work/sub/remote"],
    ["remote.git", "/home/ada/work/remote.git"],
    ["file:///srv/git/project.git", "/srv/git/project.git"],
    ["FILE:///srv/git/with%20space.git", "/srv/git/with space.git"],
    ["/srv/git/a:b.git", "/srv/git/a:b.git"],
    ["./odd:name", "/home/ada/work/odd:name"],
  ])("reads %s as the local path %s", (url, expected) => {
    expect(localRemotePath(url, "/home/ada/work")).toBe(expected);
  });

  it.each([
    "https://github.com/ada/project.git",
    "http://example.com/project.git",
    "ssh://git@github.com/ada/project.git",
    "git://example.com/project.git",
    "git@github.com:ada/project.git",
    "github.com:ada/project.git",
    "[git@host:22]:project.git",
    "ext::ssh -i key host %S project",
    "file://otherhost/srv/project.git",
    "",
  ])("finds no local path in %s", (url) => {
    expect(localRemotePath(url, "/home/ada/work")).toBeUndefined();
  });
});

describe("localRemoteGitDir", () => {
  it("returns a bare repository as it is and a clone's .git folder", async () => {
    await using world = await createRemoteWorld();
    expect(localRemoteGitDir(world.remote, world.root)).toBe(world.remote);
    expect(localRemoteGitDir(`file://${world.remote}`, world.root)).toBe(world.remote);
    expect(localRemoteGitDir("./clone", world.root)).toBe(join(world.clone, ".git"));
    expect(localRemoteGitDir("remote", world.root)).toBe(world.remote);
  });

  it("follows a .git file to the main repository's git dir of a linked worktree", async () => {
    await using world = await createRemoteWorld();
    const linked = join(world.root, "linked");
    await world.git.run(["worktree", "add", "--quiet", "-b", "side", linked]);
    expect(localRemoteGitDir(linked, world.root)).toBe(join(world.clone, ".git"));
  });

  it("follows a .git file that points elsewhere", async () => {
    await using world = await createRemoteWorld();
    const outside = join(world.root, "outside");
    await mkdir(outside);
    await writeFile(join(outside, ".git"), "gitdir: ../remote.git\n");
    expect(localRemoteGitDir(outside, world.root)).toBe(world.remote);
  });

  it("keeps a path that does not exist, and gives nothing for a network URL", () => {
    expect(localRemoteGitDir("/nonexistent/remote.git", "/")).toBe("/nonexistent/remote.git");
    expect(localRemoteGitDir("git@github.com:ada/project.git", "/")).toBeUndefined();
  });
});
