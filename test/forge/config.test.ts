import { describe, expect, it } from "vitest";
import { resolveForge } from "../../src/forge/config.ts";
import { createForgeClient } from "../../src/forge/client.ts";
import { ensurePullRequest } from "../../src/forge/ensure-pull-request.ts";
import { startGitHubStandIn } from "./github-stand-in.ts";
import { pullInput } from "./helpers.ts";

const TOKEN = { GITHUB_TOKEN: "ghp_example" };

describe("resolveForge", () => {
  it("finds owner, repository, API URL and token for a github.com remote", () => {
    expect(resolveForge(TOKEN, "git@github.com:octo/hello.git")).toEqual({ ok: true, owner: "octo", repo: "hello", apiUrl: "https://api.github.com", token: "ghp_example" });
    expect(resolveForge({ GH_TOKEN: "gho_other" }, "https://github.com/octo/hello")).toMatchObject({ ok: true, token: "gho_other" });
    expect(resolveForge({ GITHUB_TOKEN: "first", GH_TOKEN: "second" }, "https://github.com/octo/hello")).toMatchObject({ ok: true, token: "first" });
  });

  it("says why there is no pull request without a token", () => {
    for (const env of [{}, { GITHUB_TOKEN: "" }, { GH_TOKEN: "   " }]) {
      expect(resolveForge(env, "https://github.com/octo/hello.git")).toEqual({ ok: false, misconfigured: false, reason: "no GITHUB_TOKEN or GH_TOKEN: results are pushed as branches only" });
    }
  });

  it("says the remote is not on GitHub, without the credentials in its URL", () => {
    const result = resolveForge(TOKEN, "https://oauth2:glpat-secret@gitlab.com/octo/hello.git");
    expect(result).toMatchObject({ ok: false, misconfigured: false });
    if (result.ok) return;
    expect(result.reason).toMatch(/^the remote https:\/\/gitlab\.com\/octo\/hello\.git is not on GitHub: results are pushed as branches only/);
    expect(result.reason).not.toContain("glpat-secret");
    expect(resolveForge(TOKEN, "/srv/git/hello.git")).toMatchObject({ ok: false, reason: expect.stringMatching(/^the remote \/srv\/git\/hello\.git is not on GitHub/) });
    expect(resolveForge(TOKEN, undefined)).toMatchObject({ ok: false, reason: expect.stringMatching(/no remote URL/) });
  });

  it("reports the remote before the token when both are missing", () => {
    expect(resolveForge({}, "https://gitlab.com/octo/hello.git")).toMatchObject({ ok: false, reason: expect.stringMatching(/is not on GitHub/) });
  });

  it("takes GITHUB_REPOSITORY over the remote, and refuses one that is not owner/repo", () => {
    expect(resolveForge({ ...TOKEN, GITHUB_REPOSITORY: "someone/else" }, "file:///tmp/bare.git")).toMatchObject({ ok: true, owner: "someone", repo: "else" });
    expect(resolveForge({ ...TOKEN, GITHUB_REPOSITORY: "just-a-name" }, "https://github.com/octo/hello")).toEqual({
      ok: false, misconfigured: true, reason: `GITHUB_REPOSITORY "just-a-name" is not owner/repo: results are pushed as branches only`,
    });
  });

  it("uses GITHUB_API_URL, then the configured API URL, and accepts remotes on that host", () => {
    const env = { ...TOKEN, GITHUB_API_URL: "https://ghe.example.com/api/v3/" };
    expect(resolveForge(env, "git@ghe.example.com:team/tool.git")).toMatchObject({ ok: true, owner: "team", repo: "tool", apiUrl: "https://ghe.example.com/api/v3" });
    expect(resolveForge(TOKEN, "https://ghe.example.com/team/tool", { apiUrl: "https://ghe.example.com/api/v3" })).toMatchObject({ ok: true, apiUrl: "https://ghe.example.com/api/v3" });
    expect(resolveForge(env, "https://ghe.example.com/team/tool", { apiUrl: "https://other.example.com/api/v3" })).toMatchObject({ ok: true, apiUrl: "https://ghe.example.com/api/v3" });
    expect(resolveForge(TOKEN, "https://ghe.example.com/team/tool")).toMatchObject({ ok: false, reason: expect.stringMatching(/not on GitHub.*GITHUB_API_URL/) });
    expect(resolveForge({ ...TOKEN, GITHUB_API_URL: "ftp://x" }, "https://github.com/o/r")).toMatchObject({ ok: false, misconfigured: true, reason: expect.stringMatching(/^GITHUB_API_URL "ftp:\/\/x" is not an http\(s\) URL/) });
  });
});

describe("a GitHub Enterprise API URL", () => {
  it("is the base of every request", async () => {
    const stand = await startGitHubStandIn({ basePath: "/api/v3" });
    try {
      const port = new URL(stand.apiUrl).port;
      const config = resolveForge({ GITHUB_TOKEN: "test-token", GITHUB_API_URL: stand.apiUrl }, `ssh://git@127.0.0.1:2222/octo/hello.git`);
      if (!config.ok) throw new Error(config.reason);
      expect(config.apiUrl).toBe(`http://127.0.0.1:${port}/api/v3`);
      // Writes paced as in production: a single pull request waits for nothing.
      const forge = createForgeClient({ token: config.token, apiUrl: config.apiUrl, retryWaitMs: 1 });
      const result = await ensurePullRequest(forge, pullInput({ owner: config.owner, repo: config.repo }));
      expect(result).toMatchObject({ number: 1, action: "created", url: `http://127.0.0.1:${port}/octo/hello/pull/1` });
      expect(stand.requests.map((request) => `${request.method} ${request.path}`)).toEqual(["GET /api/v3/repos/octo/hello/pulls", "POST /api/v3/repos/octo/hello/pulls"]);
      expect(stand.problems).toEqual([]);
    } finally {
      await stand.close();
    }
  });
});
