import { describe, expect, it } from "vitest";
import { displayRemote, githubRepoFromUrl, parseRepositoryName } from "../../src/forge/repo-from-url.ts";

const HELLO = { owner: "octo", repo: "hello", host: "github.com" };

describe("githubRepoFromUrl", () => {
  it.each([
    ["https://github.com/octo/hello", HELLO],
    ["https://github.com/octo/hello.git", HELLO],
    ["https://github.com/octo/hello/", HELLO],
    ["https://user:ghp_secret@github.com/octo/hello.git", HELLO],
    ["http://github.com/octo/hello.git", HELLO],
    ["https://GitHub.com/octo/hello", HELLO],
    ["https://www.github.com/octo/hello", HELLO],
    ["git@github.com:octo/hello.git", HELLO],
    ["git@github.com:octo/hello", HELLO],
    ["github.com:octo/hello.git", HELLO],
    ["ssh://git@github.com/octo/hello", HELLO],
    ["ssh://git@github.com:22/octo/hello.git", HELLO],
    ["ssh://git@ssh.github.com:443/octo/hello.git", HELLO],
    ["git+ssh://git@github.com/octo/hello.git", HELLO],
    ["git://github.com/octo/hello.git", HELLO],
    ["  https://github.com/octo/hello.git\n", HELLO],
    ["https://github.com/octo-org/my.repo_name-2.git", { owner: "octo-org", repo: "my.repo_name-2", host: "github.com" }],
  ])("reads %s", (url, expected) => {
    expect(githubRepoFromUrl(url)).toEqual(expected);
  });

  it.each([
    "https://gitlab.com/octo/hello.git",
    "git@gitlab.com:octo/hello.git",
    "https://bitbucket.org/octo/hello",
    "https://github.com.evil.example/octo/hello",
    "/srv/git/hello.git",
    "./hello",
    "../hello.git",
    "file:///srv/git/hello.git",
    "C:\\repos\\hello",
    "C:/repos/hello",
    "https://github.com/octo",
    "https://github.com/octo/hello/tree/main",
    "https://github.com/-octo/hello",
    "https://github.com/octo/..",
    "ftp://github.com/octo/hello",
    "",
    "not a url",
  ])("refuses %j", (url) => {
    expect(githubRepoFromUrl(url)).toBeUndefined();
  });

  it("accepts a GitHub Enterprise host only when its API URL is configured", () => {
    expect(githubRepoFromUrl("git@ghe.example.com:team/tool.git")).toBeUndefined();
    expect(githubRepoFromUrl("git@ghe.example.com:team/tool.git", "ghe.example.com")).toEqual({ owner: "team", repo: "tool", host: "ghe.example.com" });
    expect(githubRepoFromUrl("https://GHE.example.com/team/tool", "ghe.example.com")).toEqual({ owner: "team", repo: "tool", host: "ghe.example.com" });
    // GitHub Enterprise Cloud with data residency: api.<tenant>.ghe.com serves <tenant>.ghe.com.
    expect(githubRepoFromUrl("https://octocorp.ghe.com/team/tool.git", "api.octocorp.ghe.com")).toEqual({ owner: "team", repo: "tool", host: "octocorp.ghe.com" });
    expect(githubRepoFromUrl("https://gitlab.com/team/tool.git", "ghe.example.com")).toBeUndefined();
    // github.com stays GitHub whatever else is configured.
    expect(githubRepoFromUrl("https://github.com/octo/hello", "ghe.example.com")).toEqual(HELLO);
  });
});

describe("parseRepositoryName", () => {
  it.each([
    ["octo/hello", { owner: "octo", repo: "hello" }],
    [" octo/hello.js ", { owner: "octo", repo: "hello.js" }],
    ["octo", undefined],
    ["octo/hello/extra", undefined],
    ["/hello", undefined],
    ["octo/", undefined],
    ["oc to/hello", undefined],
  ])("reads %j", (text, expected) => {
    expect(parseRepositoryName(text)).toEqual(expected);
  });
});

describe("displayRemote", () => {
  it("drops credentials from URLs and keeps scp-like addresses", () => {
    expect(displayRemote("https://user:secret@github.com/o/r.git")).toBe("https://github.com/o/r.git");
    expect(displayRemote("https://token@github.com/o/r.git")).toBe("https://github.com/o/r.git");
    expect(displayRemote("git@github.com:o/r.git")).toBe("git@github.com:o/r.git");
  });
});
