import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildDeps } from "../../src/cli/deps.ts";
import { openRepo } from "../../src/cli/open-repo.ts";
import { loadRepoSettings } from "../../src/cli/repo-settings.ts";
import { ConfigError } from "../../src/run/errors.ts";
import { silentLogger } from "../../src/util/logger.ts";
import { createTempDir, createTempRepo, type TempRepo } from "./helpers.ts";

const open = (cwd: string, env: Record<string, string | undefined>) => openRepo(cwd, buildDeps({ env, logger: silentLogger() }));

/** The git processes `openRepo` starts, from git's own trace2 events (its children not counted). */
async function gitProcessesOf(repo: TempRepo, cwd = repo.dir): Promise<string[][]> {
  const trace = join(repo.root, "trace.json");
  await open(cwd, { ...repo.env, GIT_TRACE2_EVENT: trace });
  const events = (await readFile(trace, "utf8")).trim().split("\n").map((line) => JSON.parse(line) as { event: string; sid: string; argv?: string[] });
  return events.filter((e) => e.event === "start" && !e.sid.includes("/")).map((e) => (e.argv ?? []).filter((arg) => !arg.includes("=")).slice(1));
}

describe("opening a repository", () => {
  it("reads where it is and every setting with two git processes", async () => {
    await using repo = await createTempRepo();
    await repo.git.run(["remote", "add", "origin", "https://github.com/octo/app.git"]);
    await repo.git.run(["config", "codex.branchPrefix", "bot/"]);

    const processes = await gitProcessesOf(repo);

    expect(processes.map((argv) => argv.filter((arg) => arg !== "-c")[0])).toEqual(expect.arrayContaining(["rev-parse", "config"]));
    expect(processes).toHaveLength(2);
  });

  it("finds the top level from a subfolder and keeps git's defaults when no codex.* is set", async () => {
    await using repo = await createTempRepo();
    await repo.git.run(["remote", "add", "origin", "https://example.com/app.git"]);
    await mkdir(join(repo.dir, "src", "deep"), { recursive: true });

    const opened = await open(join(repo.dir, "src", "deep"), repo.env);

    expect(opened.git.cwd).toBe(repo.dir);
    expect(opened.settings).toMatchObject({ remote: "origin", watch: [], branchPrefix: "codex/", bot: { name: "git-codex" }, trust: { authors: [], signed: false }, prComments: false });
    expect(opened.settings).toEqual(await loadRepoSettings(repo.git, repo.env));
    expect(opened.forgeNote).toMatch(/the remote https:\/\/example.com\/app.git is not on GitHub/);
  });

  it("finds the pull-request repository through the configured remote, its URL rewrite and the API URL", async () => {
    await using repo = await createTempRepo();
    await repo.git.run(["remote", "add", "origin", "https://example.com/other.git"]);
    await repo.git.run(["remote", "add", "up", "ghe:octo/app.git"]);
    await repo.git.run(["config", "url.https://ghe.example.com/.insteadOf", "ghe:"]);
    await repo.git.run(["config", "--add", "url.https://wrong.example.com/.insteadOf", "gh"]);
    await repo.git.run(["config", "codex.remote", "up"]);
    await repo.git.run(["config", "codex.githubApiUrl", "https://ghe.example.com/api/v3/"]);
    expect((await repo.git.run(["remote", "get-url", "up"])).trim()).toBe("https://ghe.example.com/octo/app.git");

    const opened = await open(repo.dir, { ...repo.env, GITHUB_TOKEN: "ghp_test_token_for_open_repo" });

    expect(opened.settings.remote).toBe("up");
    expect(opened.forge).toMatchObject({ owner: "octo", repo: "app" });
    expect(opened.forgeNote).toBeUndefined();
  });

  it("takes a remote without a URL as git does: a remote, its name read as a path", async () => {
    await using repo = await createTempRepo();
    await repo.git.run(["config", "remote.origin.fetch", "+refs/heads/*:refs/remotes/origin/*"]);
    expect((await repo.git.run(["remote"])).trim()).toBe("origin");

    const opened = await open(repo.dir, { ...repo.env, GITHUB_TOKEN: "ghp_test_token_for_open_repo" });

    expect(opened.settings.remote).toBe("origin");
    expect(opened.forge).toBeUndefined();
    expect(opened.forgeNote).toMatch(/^the remote origin is not on GitHub/);
  });

  it("refuses a remote that is not configured, naming it", async () => {
    await using repo = await createTempRepo();
    await repo.git.run(["remote", "add", "origin", "https://github.com/octo/app.git"]);
    await repo.git.run(["config", "codex.remote", "Origin"]); // remote names are case-sensitive

    await expect(open(repo.dir, repo.env)).rejects.toMatchObject({ name: "ConfigError", message: `this repository has no remote "Origin"`, hint: expect.stringContaining("git remote add Origin URL") });
  });

  it.each([
    ["codex.since", "soon", /the since window "soon" is not a duration/],
    ["codex.branchPrefix", "codex", /codex.branchPrefix "codex" is not a branch folder/],
    ["codex.prComments", "maybe", /codex.prComments is "maybe", not a boolean/],
    ["codex.agentEnv", "NOT-A-NAME", /codex.agentEnv holds "NOT-A-NAME", not a variable name/],
  ])("refuses an invalid %s with a ConfigError that quotes it", async (key, value, message) => {
    await using repo = await createTempRepo();
    await repo.git.run(["remote", "add", "origin", "https://github.com/octo/app.git"]);
    await repo.git.run(["config", key, value]);

    const opening = open(repo.dir, repo.env);

    await expect(opening).rejects.toBeInstanceOf(ConfigError);
    await expect(opening).rejects.toThrow(message);
  });

  it("says it is not inside a repository: a plain folder, a bare repository, a git dir", async () => {
    await using repo = await createTempRepo();
    await using plain = await createTempDir();
    const bare = join(repo.root, "bare.git");
    await repo.git.run(["init", "--quiet", "--bare", bare]);

    for (const cwd of [plain.path, bare, join(repo.dir, ".git")]) {
      await expect(open(cwd, repo.env), cwd).rejects.toThrow(`not inside a git repository: ${cwd}`);
    }
  });
});
