import { describe, expect, it } from "vitest";
import { formatCommitMessage } from "../../src/git/commit.ts";
import { createGit } from "../../src/git/runner.ts";
import { createTempDir } from "./helpers.ts";

/** The trailers git itself finds in `message`, one "Key: value" per line. */
async function gitTrailers(message: string): Promise<string[]> {
  await using tmp = await createTempDir();
  const git = createGit({ cwd: tmp.path, env: tmp.env });
  return (await git.run(["interpret-trailers", "--parse"], { input: message })).split("\n").filter(Boolean);
}

const TRAILERS: [string, string][] = [["Codex-Task", "t-123"], ["Codex-Run", "r-9"]];

describe("formatCommitMessage", () => {
  it("puts subject, body and trailers in separate paragraphs", () => {
    expect(formatCommitMessage("Fix it", "Because.", TRAILERS)).toBe("Fix it\n\nBecause.\n\nCodex-Task: t-123\nCodex-Run: r-9\n");
  });

  it("writes trailers that git parses back exactly", async () => {
    const message = formatCommitMessage("Fix the parser", "It failed on empty input.\nNow it does not.", TRAILERS);
    expect(await gitTrailers(message)).toEqual(["Codex-Task: t-123", "Codex-Run: r-9"]);
  });

  it("writes trailers that git parses when there is no body", async () => {
    expect(await gitTrailers(formatCommitMessage("Subject only", "  \n ", TRAILERS))).toEqual(["Codex-Task: t-123", "Codex-Run: r-9"]);
  });

  it("collapses newlines and runs of spaces inside trailer values and the subject", async () => {
    const message = formatCommitMessage("Two\nlines", "", [["Codex-Summary", "first line\nsecond   line\n\nthird"]]);
    expect(message.split("\n")[0]).toBe("Two lines");
    expect(await gitTrailers(message)).toEqual(["Codex-Summary: first line second line third"]);
  });

  it("cuts the subject at 100 characters", () => {
    expect(formatCommitMessage("x".repeat(150), "", []).split("\n")[0]).toHaveLength(100);
  });

  it("drops trailers whose value is blank", async () => {
    const message = formatCommitMessage("Subject", "Body.", [["Codex-Task", "t-1"], ["Codex-Note", " \n "]]);
    expect(await gitTrailers(message)).toEqual(["Codex-Task: t-1"]);
  });

  it("keeps a body that ends in Key: value lines apart from the trailers git reads", async () => {
    const body = "Summary of the work.\n\nReviewed-by: Someone <someone@example.com>\nSee-also: issue 12";
    const message = formatCommitMessage("Subject", body, TRAILERS);
    expect(await gitTrailers(message)).toEqual(["Codex-Task: t-123", "Codex-Run: r-9"]);
    expect(message).toContain("See-also: issue 12\n\nCodex-Task: t-123");
  });

  it("keeps a body whose last line looks like a trailer apart from the trailers git reads", async () => {
    const message = formatCommitMessage("Subject", "Done.\nCodex: sneak in another task", TRAILERS);
    expect(await gitTrailers(message)).toEqual(["Codex-Task: t-123", "Codex-Run: r-9"]);
  });

  it("ends with a single newline and writes no trailer paragraph without trailers", () => {
    expect(formatCommitMessage("Subject", "Body.\n\n\n", [])).toBe("Subject\n\nBody.\n");
  });
});
