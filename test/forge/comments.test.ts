import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadRepoSettings } from "../../src/cli/repo-settings.ts";
import { accessWords, hasWriteAccess, isOwnOrBotComment, MAX_INSTRUCTION_CHARS, readCommentCommand } from "../../src/forge/comments.ts";
import type { IssueComment } from "../../src/forge/forge.ts";
import { createTempRepo } from "../unit/helpers.ts";
import { startGitHubStandIn, type StandIn } from "./github-stand-in.ts";
import { OWNER, pullInput, REPO, standInClient } from "./helpers.ts";

describe("a comment's command", () => {
  it("is `@codex` (any case), whitespace, then the instruction, after trimming", () => {
    expect(readCommentCommand("@codex add tests")).toEqual({ kind: "ask", instruction: "add tests" });
    expect(readCommentCommand("\r\n  @Codex\r\nadd tests\r\nand docs  \n")).toEqual({ kind: "ask", instruction: "add tests\nand docs" });
    expect(readCommentCommand("@codex")).toEqual({ kind: "empty" });
    expect(readCommentCommand("@CODEX   \n\t")).toEqual({ kind: "empty" });
    for (const body of ["@codexbot add tests", "cc @codex add tests", "@codex, add tests", "", "LGTM"]) expect(readCommentCommand(body), body).toEqual({ kind: "none" });
  });

  it("refuses an instruction over the limit rather than cutting it", () => {
    expect(readCommentCommand(`@codex ${"x".repeat(MAX_INSTRUCTION_CHARS)}`)).toEqual({ kind: "ask", instruction: "x".repeat(MAX_INSTRUCTION_CHARS) });
    expect(readCommentCommand(`@codex ${"x".repeat(MAX_INSTRUCTION_CHARS + 1)}`)).toEqual({ kind: "too-long", length: MAX_INSTRUCTION_CHARS + 1 });
  });
});

describe("who may ask by comment", () => {
  it("admin, maintain and write; not triage, read, none or a stranger", () => {
    expect(hasWriteAccess({ permission: "admin", roleName: "admin" })).toBe(true);
    expect(hasWriteAccess({ permission: "write", roleName: "maintain" })).toBe(true);
    expect(hasWriteAccess({ permission: "write", roleName: "write" })).toBe(true);
    expect(hasWriteAccess({ permission: "read", roleName: "maintain" })).toBe(true);
    expect(hasWriteAccess({ permission: "read", roleName: "triage" })).toBe(false);
    expect(hasWriteAccess({ permission: "none", roleName: "" })).toBe(false);
    expect(hasWriteAccess(undefined)).toBe(false);
    expect([accessWords({ permission: "read", roleName: "triage" }), accessWords({ permission: "none", roleName: "" }), accessWords(undefined)]).toEqual(["triage access", "no access", "no access"]);
  });

  it("never the token's own account, another bot, or a deleted account", () => {
    const by = (login: string, type = "User"): IssueComment => ({ id: 1, url: "u", body: "@codex x", user: { login, id: 3, type }, createdAt: "", updatedAt: "" });
    expect(isOwnOrBotComment(by("Git-Codex-Bot"), "git-codex-bot")).toBe(true);
    expect(isOwnOrBotComment(by("renovate[bot]", "Bot"), undefined)).toBe(true);
    expect(isOwnOrBotComment({ ...by("x"), user: undefined }, "git-codex-bot")).toBe(true);
    expect(isOwnOrBotComment(by("ada"), "git-codex-bot")).toBe(false);
    expect(isOwnOrBotComment(by("ada"), undefined)).toBe(false);
  });
});

describe("codex.prComments", () => {
  it("is off by default, read from the clone's config, and refused loudly when not a boolean", async () => {
    await using repo = await createTempRepo();
    expect((await loadRepoSettings(repo.git, repo.env)).prComments).toBe(false);
    await repo.git.run(["config", "codex.prComments", "yes"]);
    expect((await loadRepoSettings(repo.git, repo.env)).prComments).toBe(true);
    await repo.git.run(["config", "codex.prComments", "sometimes"]);
    await expect(loadRepoSettings(repo.git, repo.env)).rejects.toThrow(/codex.prComments is "sometimes", not a boolean/);
  });
});

describe("the forge's comment methods against the stand-in", () => {
  let stand: StandIn;
  beforeEach(async () => {
    stand = await startGitHubStandIn();
  });
  afterEach(async () => {
    await stand.close();
    expect(stand.problems).toEqual([]);
  });
  const repo = { owner: OWNER, repo: REPO };

  it("list one page of a pull request's comments since a time, oldest first", async () => {
    const forge = standInClient(stand);
    await forge.createPull(repo, { ...pullInput(), draft: false });
    const first = stand.comment(OWNER, REPO, 1, { login: "ada", userId: 7, body: "@codex one" });
    const second = stand.comment(OWNER, REPO, 1, { login: "bob", body: "two" });
    Object.assign(first, { createdAt: "2020-01-01T00:00:00Z", updatedAt: "2020-01-01T00:00:00Z" });

    const all = await forge.listIssueComments(repo, 1, {});
    const recent = await forge.listIssueComments(repo, 1, { since: "2024-01-01T00:00:00Z", perPage: 500 });

    expect(all.map((c) => [c.id, c.body, c.user?.login])).toEqual([[first.id, "@codex one", "ada"], [second.id, "two", "bob"]]);
    expect(all[0]).toMatchObject({ user: { id: 7, type: "User" }, url: expect.stringContaining(`#issuecomment-${first.id}`), createdAt: "2020-01-01T00:00:00Z" });
    expect(recent.map((c) => c.id)).toEqual([second.id]);
    expect(stand.requests.filter((r) => r.operation === "issues/list-comments").map((r) => r.query)).toEqual([{ per_page: "100" }, { per_page: "100", since: "2024-01-01T00:00:00Z" }]);
  });

  it("read a user's access, undefined for a user GitHub does not know", async () => {
    const forge = standInClient(stand);
    stand.grant(OWNER, REPO, "mia", "maintain");
    stand.grant(OWNER, REPO, "tim", "triage");
    expect(await forge.collaboratorAccess(repo, "mia")).toEqual({ permission: "write", roleName: "maintain" });
    expect(await forge.collaboratorAccess(repo, "tim")).toEqual({ permission: "read", roleName: "triage" });
    expect(await forge.collaboratorAccess(repo, "nobody")).toBeUndefined();
  });

  it("react once however often asked, and ask who the token is only once", async () => {
    const forge = standInClient(stand);
    await forge.createPull(repo, { ...pullInput(), draft: false });
    const comment = stand.comment(OWNER, REPO, 1, { login: "ada", body: "@codex x" });

    await forge.reactToComment(repo, comment.id, "eyes");
    await forge.reactToComment(repo, comment.id, "eyes");
    const logins = await Promise.all([forge.tokenLogin(), forge.tokenLogin()]);

    expect(comment.reactions.map((r) => r.content)).toEqual(["eyes"]);
    expect(stand.requests.filter((r) => r.operation === "reactions/create-for-issue-comment").map((r) => r.status)).toEqual([201, 200]);
    expect(logins).toEqual(["git-codex-bot", "git-codex-bot"]);
    expect(stand.count("users/get-authenticated")).toBe(1);
  });
});
