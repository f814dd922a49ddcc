import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GITHUB_OPERATIONS, requestBodyErrors, responseErrors } from "../helpers/github-spec.ts";
import { startGitHubStandIn, type StandIn } from "./github-stand-in.ts";

let stand: StandIn;

beforeEach(async () => {
  stand = await startGitHubStandIn();
});

afterEach(async () => {
  await stand.close();
});

async function post(path: string, body: unknown): Promise<number> {
  const response = await fetch(`${stand.apiUrl}${path}`, {
    method: "POST",
    headers: { authorization: "token test-token", "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  await response.text();
  return response.status;
}

describe("the GitHub stand-in", () => {
  it("refuses a request body GitHub's description does not allow, and says why", async () => {
    expect(await post("/repos/octo/hello/pulls", { head: "codex/x", base: "main", draft: "yes" })).toBe(422);
    expect(await post("/repos/octo/hello/pulls", { head: "codex/x", base: "main", drafts: true })).toBe(422);
    expect(await post("/repos/octo/hello/pulls", { head: "codex/x" })).toBe(422);
    expect(stand.problems).toHaveLength(3);
    expect(stand.problems[0]).toMatch(/pulls\/create: request does not match GitHub's description:\n {2}\/draft must be boolean/);
    expect(stand.problems[1]).toMatch(/must NOT have additional properties.*drafts/);
    expect(stand.problems[2]).toMatch(/must have required property 'base'/);
    expect(stand.pulls("octo", "hello")).toEqual([]);
  });

  it("refuses unknown query parameters and routes it does not serve", async () => {
    const response = await fetch(`${stand.apiUrl}/repos/octo/hello/pulls?state=opened`, { headers: { authorization: "token test-token" } });
    expect(response.status).toBe(422);
    await fetch(`${stand.apiUrl}/repos/octo/hello/issues`, { headers: { authorization: "token test-token" } });
    expect(stand.problems).toEqual([expect.stringMatching(/query \/state must be equal to one of the allowed values/), expect.stringMatching(/GET \/repos\/octo\/hello\/issues: not an operation/)]);
  });

  it("answers in shapes GitHub's description requires", async () => {
    expect(await post("/repos/octo/hello/pulls", { head: "codex/x", base: "main", title: "t" })).toBe(201);
    expect(await post("/repos/octo/hello/labels", { name: "codex" })).toBe(201);
    expect(await post("/repos/octo/hello/issues/1/labels", { labels: ["codex"] })).toBe(200);
    const list = (await (await fetch(`${stand.apiUrl}/repos/octo/hello/pulls?head=octo:codex/x`, { headers: { authorization: "token test-token" } })).json()) as unknown[];
    expect(list).toHaveLength(1);
    expect(responseErrors("pulls/list", 200, list)).toEqual([]);
    expect(responseErrors("pulls/list", 200, [{ number: 1 }]).length).toBeGreaterThan(0);
    expect(stand.problems).toEqual([]);
  });
});

describe("the vendored extract of GitHub's description", () => {
  it("holds every operation the stand-in serves, with the request bodies GitHub documents", () => {
    const fixture = JSON.parse(readFileSync(new URL("../fixtures/github-request-schemas.json", import.meta.url), "utf8")) as { source: string; operations: Record<string, unknown> };
    expect(Object.keys(fixture.operations).sort()).toEqual([...GITHUB_OPERATIONS].sort());
    expect(fixture.source).toMatch(/info\.version \d+/);
    expect(requestBodyErrors("pulls/create", { head: "a", base: "b", title: "t", body: "x", draft: true })).toEqual([]);
    expect(requestBodyErrors("pulls/update", { body: "x" })).toEqual([]);
    expect(requestBodyErrors("issues/add-labels", { labels: [] })).not.toEqual([]);
  });
});
