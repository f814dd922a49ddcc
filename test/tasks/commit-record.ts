import type { CommitRecord } from "../../src/tasks/index.ts";

export const BOT = "codex@bot.invalid";
export const TIP = "f".repeat(40);

/** A person's commit as the git layer reads it; `sha` is repeated to 40 characters. */
export function commitRecord(sha: string, overrides: Partial<CommitRecord> = {}): CommitRecord {
  return {
    sha: sha.repeat(40).slice(0, 40),
    parents: [],
    authorName: "Ada",
    authorEmail: "ada@example.com",
    committedAt: 0,
    subject: "work",
    codexTrailers: [],
    hasTaskTrailer: false,
    ...overrides,
  };
}
