import { spawn } from "node:child_process";
import { createServer, type Server } from "node:net";
import { once } from "node:events";
import { readdirSync, readFileSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBubblewrapExecutor } from "../../src/sandbox/bubblewrap.ts";
import type { SandboxPolicy } from "../../src/sandbox/policy.ts";
import { createSandboxWorld, git, hasBwrap, processesWith, uniqueMarker, type SandboxWorld } from "./helpers.ts";
import { waitUntil } from "../unit/helpers.ts";

describe.skipIf(!hasBwrap)("bubblewrap executor (real bwrap)", () => {
  let world: SandboxWorld;
  beforeAll(async () => {
    world = await createSandboxWorld();
  });
  afterAll(() => world[Symbol.asyncDispose]());

  const sh = (script: string, policy: Partial<SandboxPolicy> = {}, extra: string[] = []) =>
    createBubblewrapExecutor(world.policy(policy)).run({ argv: ["sh", "-c", script, "sh", ...extra], cwd: world.worktree, timeoutMs: 20_000 });

  it("launches a long-lived process with the same isolation, talking over stdio", async () => {
    const launch = await createBubblewrapExecutor(world.policy()).launch({ argv: ["sh", "-c", 'read line; echo "got $line"; cat "$1/.ssh/id_rsa" 2>&1; touch /etc/x 2>&1', "sh", world.userHome], cwd: world.worktree });
    const child = spawn(launch.file, launch.args, { cwd: launch.cwd, env: launch.env, stdio: ["pipe", "pipe", "pipe"] });
    child.stdin.end("ping\n");
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    const [code] = (await once(child, "close")) as [number];
    expect(out).toMatch(/^got ping\n/);
    expect(out).not.toContain("PRIVATE KEY");
    expect(out).toMatch(/Read-only file system/);
    expect(code).not.toBe(0);
  });

  it("lets a command write inside the worktree, its home and its tmp", async () => {
    const result = await sh('echo a > file.txt && echo b > "$HOME/h" && echo c > "$TMPDIR/t" && cat file.txt "$HOME/h" "$TMPDIR/t"');
    expect(result).toMatchObject({ exitCode: 0, stdout: "a\nb\nc\n" });
    expect(readFileSync(join(world.worktree, "file.txt"), "utf8")).toBe("a\n");
  });

  it("keeps the git common dir and the worktree's .git file read-only, and unchanged", async () => {
    const head = readFileSync(join(world.commonDir, "HEAD"), "utf8");
    const dotGit = readFileSync(join(world.worktree, ".git"), "utf8");
    const result = await sh('echo x > "$1/HEAD"; echo x > "$1/hooks/pre-commit"; echo x > .git; rm -f .git; git status --short >/dev/null && echo status-ok', {}, [world.commonDir]);
    expect(result.stderr).toMatch(/HEAD: Read-only file system/);
    expect(result.stderr).toMatch(/pre-commit: Read-only file system/);
    expect(result.stderr).toMatch(/\.git: (Read-only file system|Device or resource busy)/);
    expect(result.stdout).toContain("status-ok");
    expect(readFileSync(join(world.commonDir, "HEAD"), "utf8")).toBe(head);
    expect(readFileSync(join(world.worktree, ".git"), "utf8")).toBe(dotGit);
  });

  it("refuses a commit from inside, so only the bot commits", async () => {
    const before = git(world.repo, ["rev-parse", "HEAD"]);
    const result = await sh("git -c user.name=x -c user.email=x@x commit --allow-empty -m sneaky");
    expect(result.exitCode).not.toBe(0);
    expect(git(world.repo, ["rev-parse", "HEAD"])).toBe(before);
  });

  it("refuses writes to the rest of the disk", async () => {
    const result = await sh("touch /etc/git-codex-x; touch /usr/local/git-codex-x; touch \"$1/x\"", {}, [world.userHome]);
    expect(result.stderr.match(/Read-only file system/g)).toHaveLength(3);
  });

  it("hides the user's home, keys and credential files, and the checkout beside the git dir", async () => {
    const result = await sh('cat "$1/.ssh/id_rsa"; cat "$1/.netrc"; cat "$1/projects/repo/README.md"; ls -A "$1"', {}, [world.userHome]);
    expect(result.stdout).not.toContain("PRIVATE KEY");
    expect(result.stdout).not.toContain("hunter2");
    expect(result.stdout).not.toContain("hello");
    expect(result.stderr).toMatch(/id_rsa: No such file or directory/);
    // Only the mount points of what the task may see are left in the hidden home.
    expect(result.stdout.trim().split("\n").sort()).toEqual([".cache", "projects"]);
  });

  it("hides a credential file again inside a toolchain folder exposed read-only", async () => {
    const cargo = join(world.userHome, ".cargo");
    await mkdir(join(cargo, "bin"), { recursive: true });
    await writeFile(join(cargo, "bin", "tool"), "a tool\n");
    await writeFile(join(cargo, "credentials.toml"), "token = \"cargo-secret\"\n");
    const result = await sh('cat "$1/bin/tool" "$1/credentials.toml"', { readOnly: [world.commonDir, join(world.worktree, ".git"), cargo] }, [cargo]);
    expect(result.stdout).toBe("a tool\n");
    expect(result.stderr).toMatch(/credentials.toml: Permission denied/);
  });

  it("gives the command exactly the allowed environment (bwrap adds PWD)", async () => {
    const result = await createBubblewrapExecutor(world.policy()).run({ argv: ["env"], cwd: world.worktree, timeoutMs: 20_000 });
    const names = result.stdout.trim().split("\n").map((line) => line.split("=")[0]).sort();
    expect(names).toEqual(["HOME", "LANG", "PATH", "PWD", "TMPDIR"]);
  });

  it("gives a private /tmp without the host's files", async () => {
    const hostFile = join(tmpdir(), `git-codex-host-${uniqueMarker()}.txt`);
    await writeFile(hostFile, "host");
    try {
      const result = await sh('test -e "$1" && echo visible || echo hidden; echo private > /tmp/inside-$2', {}, [hostFile, uniqueMarker()]);
      expect(result.stdout).toBe("hidden\n");
      expect(readdirSync(tmpdir()).filter((name) => name.startsWith("inside-"))).toEqual([]);
    } finally {
      await rm(hostFile);
    }
  });

  it("refuses a nested user namespace, the way to a private copy of the mounts", async () => {
    const result = await sh("unshare --user --map-root-user --mount true && echo nested");
    expect(result.stdout).not.toContain("nested");
    expect(result.stderr).toMatch(/unshare failed: No space left on device/);
  });

  it("passes argv verbatim: spaces, quotes, dollars, empty strings", async () => {
    const argv = ["a b", "it's", '"quoted"', "$HOME", "", "*", "--", "-n"];
    const result = await createBubblewrapExecutor(world.policy()).run({ argv: ["printf", "[%s]\\n", ...argv], cwd: world.worktree, timeoutMs: 20_000 });
    expect(result.stdout).toBe(argv.map((a) => `[${a}]\n`).join(""));
  });

  describe("network", () => {
    let server: Server;
    let port: number;
    beforeAll(async () => {
      server = createServer((socket) => socket.end("hello from the host\n"));
      server.listen(0, "127.0.0.1");
      await once(server, "listening");
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const connect = (network: SandboxPolicy["network"]) =>
      createBubblewrapExecutor(world.policy({ network })).run({
        // bash from the system paths: Node may live under /tmp, which the sandbox replaces.
        argv: ["bash", "-c", `exec 3<>/dev/tcp/127.0.0.1/${port} 2>/dev/null || { echo ECONNREFUSED; exit 3; }; head -n 1 <&3`],
        cwd: world.worktree,
        timeoutMs: 20_000,
      });

    it("is off by default: the host's 127.0.0.1 is not reachable", async () => {
      const result = await connect("none");
      expect(result).toMatchObject({ exitCode: 3, stdout: "ECONNREFUSED\n" });
    });

    it("reaches the host with network all", async () => {
      const result = await connect("all");
      expect(result).toMatchObject({ exitCode: 0, stdout: "hello from the host\n" });
    });
  });

  it("stops a command that sleeps forever at its timeout and leaves nothing behind", async () => {
    const marker = uniqueMarker();
    const result = await createBubblewrapExecutor(world.policy()).run({ argv: ["sh", "-c", `sleep ${marker} & sleep ${marker}; wait`], cwd: world.worktree, timeoutMs: 500 });
    expect(result.timedOut).toBe(true);
    expect(result.durationMs).toBeLessThan(5000);
    expect(await waitUntil(() => processesWith(marker).length === 0)).toBe(true);
  });

  it("ends everything inside when the run is aborted (the process group is killed)", async () => {
    const marker = uniqueMarker();
    const controller = new AbortController();
    const running = createBubblewrapExecutor(world.policy()).run({ argv: ["sh", "-c", `sleep ${marker} & sleep ${marker} & wait`], cwd: world.worktree, timeoutMs: 60_000, signal: controller.signal });
    // bwrap, its init in the PID namespace, the shell and two sleeps.
    expect(await waitUntil(() => processesWith(marker).length >= 5, 10_000)).toBe(true);
    controller.abort();
    expect((await running).aborted).toBe(true);
    expect(await waitUntil(() => processesWith(marker).length === 0)).toBe(true);
  });

  it("keeps background processes from outliving the command", async () => {
    const marker = uniqueMarker();
    const result = await createBubblewrapExecutor(world.policy()).run({ argv: ["sh", "-c", `sleep ${marker} >/dev/null 2>&1 & echo started`], cwd: world.worktree, timeoutMs: 20_000 });
    expect(result).toMatchObject({ exitCode: 0, stdout: "started\n" });
    expect(await waitUntil(() => processesWith(marker).length === 0)).toBe(true);
  });
});
