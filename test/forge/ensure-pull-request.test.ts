import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensurePullRequest } from "../../src/forge/ensure-pull-request.ts";
import { LABEL_COLOR } from "../../src/forge/client.ts";
import { startGitHubStandIn, type StandIn } from "./github-stand-in.ts";
import { OWNER, pullInput, REPO, standInClient } from "./helpers.ts";

let stand: StandIn;

beforeEach(async () => {
  stand = await startGitHubStandIn();
});

afterEach(async () => {
  await stand.close();
  expect(stand.problems).toEqual([]);
});

describe("ensurePullRequest", () => {
  it("opens one pull request across repeated runs and leaves an unchanged one alone", async () => {
    const forge = standInClient(stand);
    const first = await ensurePullRequest(forge, pullInput());
    expect(first).toMatchObject({ number: 1, action: "created", url: `${stand.apiUrl}/${OWNER}/${REPO}/pull/1`, warnings: [] });
    const second = await ensurePullRequest(forge, pullInput());
    const third = await ensurePullRequest(standInClient(stand), pullInput());
    expect(second).toMatchObject({ number: 1, action: "unchanged" });
    expect(third).toMatchObject({ number: 1, action: "unchanged" });
    expect(stand.pulls(OWNER, REPO)).toHaveLength(1);
    expect(stand.count("pulls/create")).toBe(1);
    expect(stand.count("pulls/update")).toBe(0);
    expect(stand.requests.find((request) => request.operation === "pulls/list")?.query).toMatchObject({ head: `${OWNER}:codex/fix-bug`, state: "open" });
  });

  it("writes a changed body or title with one PATCH of just what changed", async () => {
    const forge = standInClient(stand);
    await ensurePullRequest(forge, pullInput());
    const updated = await ensurePullRequest(forge, pullInput({ body: "new body\n" }));
    expect(updated).toMatchObject({ number: 1, action: "updated" });
    const patches = stand.requests.filter((request) => request.operation === "pulls/update");
    expect(patches.map((request) => request.body)).toEqual([{ body: "new body\n" }]);
    expect(stand.pulls(OWNER, REPO)[0]).toMatchObject({ body: "new body\n", title: "codex(fix-bug): fix the bug" });
    await ensurePullRequest(forge, pullInput({ body: "new body\n", title: "a better title" }));
    expect(stand.requests.filter((request) => request.operation === "pulls/update").at(-1)?.body).toEqual({ title: "a better title" });
  });

  it("treats a body a browser saved with CRLF as unchanged", async () => {
    const forge = standInClient(stand);
    await ensurePullRequest(forge, pullInput({ body: "line one\nline two\n" }));
    const [pull] = stand.pulls(OWNER, REPO);
    if (pull) pull.body = "line one\r\nline two\r\n";
    expect((await ensurePullRequest(forge, pullInput({ body: "line one\nline two\n" }))).action).toBe("unchanged");
  });

  it("opens a draft when asked", async () => {
    await ensurePullRequest(standInClient(stand), pullInput({ draft: true }));
    expect(stand.pulls(OWNER, REPO)[0]?.draft).toBe(true);
    expect(stand.requests.find((request) => request.operation === "pulls/create")?.body).toMatchObject({ draft: true, head: "codex/fix-bug", base: "main" });
  });

  it("opens a ready pull request where the repository has no drafts", async () => {
    await stand.close();
    stand = await startGitHubStandIn({ draftSupported: false });
    const result = await ensurePullRequest(standInClient(stand), pullInput({ draft: true }));
    expect(result.action).toBe("created");
    expect(stand.pulls(OWNER, REPO).map((pull) => pull.draft)).toEqual([false]);
  });

  it("creates missing labels, keeps existing ones, and puts all on a new pull request", async () => {
    const forge = standInClient(stand);
    await forge.ensureLabels({ owner: OWNER, repo: REPO }, ["Codex"]);
    expect(stand.labels(OWNER, REPO).map((label) => label.name)).toEqual(["Codex"]);
    const result = await ensurePullRequest(forge, pullInput({ labels: ["codex", "automated"] }));
    expect(result.warnings).toEqual([]);
    expect(stand.labels(OWNER, REPO)).toMatchObject([{ name: "Codex" }, { name: "automated", color: LABEL_COLOR }]);
    expect(stand.pulls(OWNER, REPO)[0]?.labels.map((label) => label.name)).toEqual(["Codex", "automated"]);
    const creates = stand.requests.filter((request) => request.operation === "issues/create-label").map((request) => request.body);
    expect(creates).toEqual([{ name: "Codex", color: LABEL_COLOR, description: "Made by git-codex" }, { name: "automated", color: LABEL_COLOR, description: "Made by git-codex" }]);
    // An open pull request is found again; labels are not written twice.
    await ensurePullRequest(forge, pullInput({ labels: ["codex", "automated"] }));
    expect(stand.count("issues/add-labels")).toBe(1);
  });

  it("still returns the pull request when labelling it is refused", async () => {
    stand.fail("issues/list-labels-for-repo", { kind: "status", status: 404 });
    const result = await ensurePullRequest(standInClient(stand), pullInput({ labels: ["codex"] }));
    expect(result).toMatchObject({ number: 1, action: "created" });
    expect(result.warnings).toEqual([expect.stringMatching(/^labels codex not added: GitHub answered 404 while creating labels codex/)]);
  });
});

describe("ensurePullRequest when GitHub stumbles", () => {
  it("survives a 502 on the lookup and on the POST without a duplicate", async () => {
    stand.fail("pulls/list", { kind: "status", status: 502 });
    stand.fail("pulls/create", { kind: "status", status: 502 });
    const result = await ensurePullRequest(standInClient(stand), pullInput());
    expect(result).toMatchObject({ number: 1, action: "created" });
    expect(stand.count("pulls/list")).toBe(2);
    expect(stand.count("pulls/create")).toBe(2);
    expect(stand.pulls(OWNER, REPO)).toHaveLength(1);
  });

  it("waits out a secondary rate limit on the POST, then opens one pull request", async () => {
    stand.fail("pulls/create", { kind: "secondary-rate-limit", retryAfter: 1 });
    const result = await ensurePullRequest(standInClient(stand), pullInput());
    expect(result.action).toBe("created");
    expect(stand.requests.filter((request) => request.operation === "pulls/create").map((request) => request.status)).toEqual([403, 201]);
    expect(stand.pulls(OWNER, REPO)).toHaveLength(1);
  });

  it("waits out a 429 secondary limit on a read and a 403 retry-after without GitHub's wording", async () => {
    stand.fail("pulls/list", { kind: "secondary-rate-limit", retryAfter: 1, status: 429 });
    stand.fail("pulls/create", { kind: "retry-after", retryAfter: 1, status: 403, message: "You have triggered an abuse detection mechanism." });
    const result = await ensurePullRequest(standInClient(stand), pullInput());
    expect(result.action).toBe("created");
    expect(stand.requests.map((request) => `${request.operation} ${request.status}`)).toEqual([
      "pulls/list 429", "pulls/list 200", "pulls/create 403", "pulls/create 201",
    ]);
  });

  it.each(["502", "reset"] as const)("finds the pull request a POST made when its answer was lost (%s), instead of a second one", async (as) => {
    stand.fail("pulls/create", { kind: "lost-response", as });
    const result = await ensurePullRequest(standInClient(stand), pullInput({ labels: ["codex"] }));
    expect(result).toMatchObject({ number: 1, action: "unchanged" });
    const creates = stand.requests.filter((request) => request.operation === "pulls/create").map((request) => request.status);
    expect(creates).toEqual([as === "502" ? 502 : -1, 422]);
    expect(stand.pulls(OWNER, REPO)).toHaveLength(1);
    // The cut-off first attempt never labelled it; the recovery does.
    expect(stand.pulls(OWNER, REPO)[0]?.labels.map((label) => label.name)).toEqual(["codex"]);
  });

  it("gives up after a bounded number of retries with an error a person can act on", async () => {
    stand.fail("pulls/list", { kind: "status", status: 502 }, 10);
    const error = await ensurePullRequest(standInClient(stand, { maxRetries: 2 }), pullInput()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: "ForgeError", status: 502, hint: expect.stringMatching(/next run tries again/) });
    expect((error as Error).message).toMatch(/^GitHub answered 502 while looking up the pull request for codex\/fix-bug/);
    expect(stand.count("pulls/list")).toBe(3);
  });

  it("does not wait out a rate limit longer than allowed", async () => {
    stand.fail("pulls/create", { kind: "secondary-rate-limit", retryAfter: 3600 });
    const error = await ensurePullRequest(standInClient(stand), pullInput()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: "ForgeError", status: 403 });
    expect(stand.count("pulls/create")).toBe(1);
  });

  it("says the token was rejected on a 401", async () => {
    const error = await ensurePullRequest(standInClient(stand, { token: "wrong" }), pullInput()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: "ForgeError", status: 401, hint: expect.stringMatching(/GITHUB_TOKEN or GH_TOKEN was rejected/) });
    expect(stand.requests[0]?.authorization).toBe("token wrong");
  });
});
