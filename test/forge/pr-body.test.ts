import { describe, expect, it } from "vitest";
import { buildPullRequestBody, MAX_BODY_CHARS, pullRequestTitle, type PullRequestBodyInput } from "../../src/forge/pr-body.ts";
import { code, filesSection, MAX_FILES, planSection, taskIdFromBody, taskMarker, usageSection, verifySection } from "../../src/forge/pr-body-parts.ts";
import { bodyInputFromStatus } from "../../src/run/pr-body-input.ts";
import { createRedactor } from "../../src/util/redact.ts";
import type { TaskStatus } from "../../src/run/task-status.ts";

const redact = createRedactor(["hunter2-secret"]);
const none = (text: string): string => text;

const INPUT: PullRequestBodyInput = {
  taskId: "fix-bug-1234abcd",
  summary: "Fixed the off-by-one in `range()`.",
  plan: [
    { step: "Read the code", status: "completed" },
    { step: "Fix the loop", status: "in_progress" },
    { step: "Run the tests", status: "pending" },
  ],
  files: [{ status: "M", path: "src/range.ts" }, { status: "A", path: "test/range.test.ts" }],
  verify: "passed",
  verifyCommand: "npm test",
  usage: { inputTokens: 12345, outputTokens: 678, cachedTokens: 2000, costUsd: 0.4213 },
  turns: 7,
  model: "gpt-5.1-codex",
  source: { sha: "0123456789abcdef0123456789abcdef01234567", ref: "main" },
};

describe("buildPullRequestBody", () => {
  it("has every part in order, with the task marker first and the transcript hint last", () => {
    const body = buildPullRequestBody(INPUT, redact);
    expect(body).toBe(
      [
        "<!-- git-codex:task=fix-bug-1234abcd -->",
        "## Summary\n\nFixed the off-by-one in `range()`.",
        "## Plan\n\n- [x] Read the code\n- [ ] Fix the loop _(in progress)_\n- [ ] Run the tests",
        "## Files changed (2)\n\n- modified: `src/range.ts`\n- added: `test/range.test.ts`",
        "## Verification\n\n✅ Passed: `npm test`",
        "## Usage\n\n12,345 input tokens (2,000 cached) · 678 output tokens · 7 turns · model `gpt-5.1-codex` · about $0.42",
        "---",
        "Source: commit 0123456789abcdef0123456789abcdef01234567 on `main`",
        "How to read the transcript: `git codex show fix-bug-1234abcd`\n",
      ].join("\n\n"),
    );
    expect(taskIdFromBody(body)).toBe("fix-bug-1234abcd");
  });

  it("shows a running task's plan under a note, without an empty summary", () => {
    const body = buildPullRequestBody({ taskId: "t-1", running: true, plan: INPUT.plan }, none);
    expect(body).toMatch(/^<!-- git-codex:task=t-1 -->\n\n> \[!NOTE\]\n> git-codex is still working on this task/);
    expect(body).not.toContain("## Summary");
    expect(body).toContain("- [x] Read the code");
  });

  it("scrubs secrets and defuses @mentions in everything from the model or a person", () => {
    const body = buildPullRequestBody({
      ...INPUT,
      summary: "Used hunter2-secret and asked @octocat; token ghp_abcdefghijklmnopqrstuvwxyz0123456789 found",
      prompt: "Deploy with hunter2-secret",
      plan: [{ step: "ping @team about hunter2-secret", status: "pending" }],
      files: [{ status: "A", path: "secrets/hunter2-secret.txt" }],
      verifyCommand: "TOKEN=hunter2-secret npm test",
    }, redact);
    expect(body).not.toContain("hunter2-secret");
    expect(body).not.toContain("ghp_abc");
    expect(body).not.toMatch(/@octocat|@team/);
    expect(body).toContain("@\u200boctocat");
    expect(body).toContain("[REDACTED]");
  });

  it("stays within GitHub's limit for a huge summary, keeping the footer", () => {
    const body = buildPullRequestBody({ ...INPUT, summary: "x".repeat(19_000), files: Array.from({ length: 5000 }, (_, i) => ({ status: "M", path: `${"d".repeat(400)}/f${i}` })) }, none);
    expect(body.length).toBeLessThanOrEqual(MAX_BODY_CHARS);
    expect(body).toContain("How to read the transcript: `git codex show fix-bug-1234abcd`");
  });
});

describe("body parts", () => {
  it("caps the file list and names what is left out", () => {
    const files = Array.from({ length: MAX_FILES + 5 }, (_, i) => ({ status: "D", path: `f${i}` }));
    const section = filesSection(files, none) ?? "";
    expect(section).toMatch(/^## Files changed \(105\)/);
    expect(section.split("\n").filter((line) => line.startsWith("- deleted:"))).toHaveLength(MAX_FILES);
    expect(section.endsWith("- … and 5 more")).toBe(true);
    expect(filesSection([], none)).toBeUndefined();
  });

  it("says how verification went, with its command", () => {
    expect(verifySection("failed", "npm test", none)).toBe("## Verification\n\n❌ Failed: `npm test`. Read the transcript for its output before merging.");
    expect(verifySection("skipped", undefined, none)).toBe("## Verification\n\nSkipped: the task has no `verify` command.");
    expect(verifySection("skipped", "make check", none)).toBe("## Verification\n\nSkipped: `make check` did not run.");
    expect(verifySection(undefined, "npm test", none)).toBeUndefined();
  });

  it("writes plan steps on one line each", () => {
    expect(planSection([{ step: "two\nlines", status: "completed" }], none)).toBe("## Plan\n\n- [x] two lines");
    expect(planSection([], none)).toBeUndefined();
  });

  it("leaves usage out when there is none, and the cost when it is unknown", () => {
    expect(usageSection({})).toBeUndefined();
    expect(usageSection({ usage: { inputTokens: 1, outputTokens: 2, cachedTokens: 0 }, turns: 1 })).toBe("## Usage\n\n1 input tokens · 2 output tokens · 1 turn");
  });

  it("keeps code spans and the marker intact whatever they hold", () => {
    expect(code("a`b")).toBe("``a`b``");
    expect(code("`x")).toBe("`` `x ``");
    expect(taskMarker("evil --> <b>")).toBe("<!-- git-codex:task=evil____b_ -->");
  });

  it("makes a title one scrubbed line within GitHub's limit", () => {
    expect(pullRequestTitle("codex: fix\nhunter2-secret", redact)).toBe("codex: fix [REDACTED]");
    expect(pullRequestTitle("x".repeat(300), none)).toHaveLength(256);
  });
});

describe("bodyInputFromStatus", () => {
  it("takes what a finished task recorded", () => {
    const status = {
      version: 1, id: "fix-bug-1234abcd", state: "done", baseRef: "main", base: "abc", attempts: 1, queuedAt: "", updatedAt: "",
      summary: "done", plan: INPUT.plan, files: INPUT.files, verify: "passed", usage: INPUT.usage, turns: 7,
      spec: { prompt: "Fix it", baseRef: "main", requester: { sha: "0123456", name: "A", email: "a@example.com" }, settings: { model: "m", verify: "npm test" } },
    } as unknown as TaskStatus;
    expect(bodyInputFromStatus(status)).toMatchObject({
      taskId: "fix-bug-1234abcd", running: false, prompt: "Fix it", summary: "done", verify: "passed", verifyCommand: "npm test", model: "m", turns: 7,
      source: { sha: "0123456", ref: "main" },
    });
  });
});
