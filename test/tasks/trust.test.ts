import { describe, expect, it } from "vitest";
import { emailMatches, judgeTrust, parseTaskFile, planTasks } from "../../src/tasks/index.ts";
import type { PlanInput, SignatureStatus, TrustPolicy } from "../../src/tasks/index.ts";

import { BOT, TIP, commitRecord as commit } from "./commit-record.ts";

const policy = (overrides: Partial<TrustPolicy> = {}): TrustPolicy => ({ authors: [], signed: false, ...overrides });

describe("judgeTrust", () => {
  it("trusts everyone when the policy says nothing", () => {
    expect(judgeTrust(commit("a"), policy())).toEqual({ trusted: true });
  });

  it("checks the author against emails and globs, without regard to case", () => {
    const p = policy({ authors: ["bob@example.com", "*@Example.COM"] });
    expect(judgeTrust(commit("a", { authorEmail: "ADA@example.com" }), p)).toEqual({ trusted: true });
    expect(judgeTrust(commit("a", { authorEmail: "eve@evil.test", authorName: "Eve" }), p)).toEqual({
      trusted: false,
      reason: "commit aaaaaaa is by Eve <eve@evil.test>, who is not in codex.trustAuthor; to accept them, run git config --add codex.trustAuthor eve@evil.test",
    });
  });

  it("requires a good signature when signed is set, and says what was wrong", () => {
    const p = policy({ signed: true });
    const judge = (signature?: SignatureStatus) => judgeTrust({ ...commit("b"), ...(signature ? { signature } : {}) }, p);
    expect(judge("good")).toEqual({ trusted: true });
    expect(judge("none")).toMatchObject({ trusted: false, reason: expect.stringContaining("is not signed, and codex.trustSigned requires one") });
    expect(judge("bad")).toMatchObject({ trusted: false, reason: expect.stringContaining("has a signature that git verify-commit does not accept") });
    expect(judge()).toMatchObject({ trusted: false, reason: expect.stringContaining("was not checked") });
  });

  it("needs both the author and the signature when both are asked for", () => {
    const p = policy({ authors: ["ada@example.com"], signed: true });
    expect(judgeTrust({ ...commit("c"), signature: "good" }, p)).toEqual({ trusted: true });
    expect(judgeTrust({ ...commit("c", { authorEmail: "eve@x" }), signature: "good" }, p).trusted).toBe(false);
    expect(judgeTrust({ ...commit("c"), signature: "none" }, p).trusted).toBe(false);
  });
});

describe("emailMatches", () => {
  it.each([
    ["ada@example.com", "ada@example.com", true],
    ["*@example.com", "bob@example.com", true],
    ["*@example.com", "bob@sub.example.com", false],
    ["*@*.example.com", "bob@sub.example.com", true],
    ["*@example.com", "bob@example.com.evil.test", false],
    ["ada@example.com", "xada@example.com", false],
    ["ad?@example.com", "ada@example.com", true],
    ["a+b@example.com", "a+b@example.com", true],
    ["*", "", true],
  ])("%s matches %s: %s", (pattern, email, expected) => {
    expect(emailMatches(pattern, email)).toBe(expected);
  });
});

describe("planTasks with a trust policy", () => {
  const input = (overrides: Partial<PlanInput> = {}): PlanInput => ({ baseRef: "main", tip: TIP, prefix: "codex/", botEmail: BOT, commits: [], envSettings: {}, ...overrides });
  const FILE = "version: 1\ntasks:\n  nightly:\n    prompt: N\n    schedule: \"0 2 * * *\"\n  broken:\n    promt: x\n";
  const trusted = policy({ authors: ["ada@example.com"] });

  it("plans as before, with nothing refused, when there is no policy or the requester is trusted", () => {
    const commits = [commit("a", { codexTrailers: ["fix it"] })];
    const without = planTasks(input({ commits }));
    const withTrust = planTasks(input({ commits, trust: { policy: trusted } }));
    expect(without.refused).toEqual([]);
    expect(withTrust).toEqual(without);
  });

  it("refuses each trailer of an untrusted commit, with the id, base and prompt it would have had", () => {
    const eve = commit("e", { authorName: "Eve", authorEmail: "eve@evil.test", codexTrailers: ["first", "second"] });
    const ada = commit("a", { codexTrailers: ["fine"] });
    const plan = planTasks(input({ commits: [eve, ada], trust: { policy: trusted } }));
    const open = planTasks(input({ commits: [eve, ada] }));
    expect(plan.tasks.map((t) => t.prompt)).toEqual(["fine"]);
    expect(plan.refused).toEqual(
      open.tasks.slice(0, 2).map((t) => ({ id: t.id, baseRef: "main", base: eve.sha, requester: { sha: eve.sha, name: "Eve", email: "eve@evil.test" }, reason: expect.stringContaining("not in codex.trustAuthor"), prompt: t.prompt })),
    );
  });

  it("never refuses the bot's own commits: they are no tasks at all", () => {
    const result = commit("b", { authorEmail: BOT, hasTaskTrailer: true, codexTrailers: ["loop"] });
    const plan = planTasks(input({ commits: [result], trust: { policy: trusted } }));
    expect(plan).toEqual({ tasks: [], invalid: [], refused: [] });
  });

  it("uses the signatures it is given, and refuses unchecked ones when signatures are required", () => {
    const signedPolicy = policy({ signed: true });
    const a = commit("a", { codexTrailers: ["do a"] });
    const b = commit("b", { codexTrailers: ["do b"] });
    const c = commit("c", { codexTrailers: ["do c"] });
    const signatures = new Map<string, SignatureStatus>([[a.sha, "good"], [b.sha, "bad"]]);
    const plan = planTasks(input({ commits: [a, b, c], trust: { policy: signedPolicy, signatures } }));
    expect(plan.tasks.map((t) => t.prompt)).toEqual(["do a"]);
    expect(plan.refused.map((r) => [r.prompt, r.reason.includes("does not accept") ? "bad" : r.reason.includes("not checked") ? "unchecked" : r.reason])).toEqual([
      ["do b", "bad"],
      ["do c", "unchecked"],
    ]);
  });

  it("judges file tasks by the commit that last changed the file, once per version, keeping invalid ones", () => {
    const lastCommit = commit("e", { authorEmail: "eve@evil.test", committedAt: Date.UTC(2025, 0, 1) / 1000 });
    const taskFile = { parse: parseTaskFile(FILE), blobSha: "b".repeat(40), lastCommit };
    const now = new Date(Date.UTC(2025, 0, 3, 12));
    const open = planTasks(input({ taskFile, now }));
    const plan = planTasks(input({ taskFile, now, trust: { policy: trusted } }));
    expect(open.tasks).toHaveLength(2); // the version and its scheduled run
    expect(plan.tasks).toEqual([]);
    expect(plan.invalid).toEqual(open.invalid);
    expect(plan.refused).toEqual([{ id: open.tasks[0]?.id, key: "nightly", baseRef: "main", base: TIP, requester: { sha: lastCommit.sha, name: "Ada", email: "eve@evil.test" }, reason: expect.stringContaining("commit eeeeeee"), prompt: "N" }]);
  });

  it("refuses file tasks whose last commit is unknown when the policy restricts anything", () => {
    const taskFile = { parse: parseTaskFile(FILE), blobSha: "b".repeat(40) };
    expect(planTasks(input({ taskFile, trust: { policy: trusted } })).refused[0]?.reason).toMatch(/could not be read/);
    expect(planTasks(input({ taskFile, trust: { policy: policy() } })).refused).toEqual([]);
  });
});
