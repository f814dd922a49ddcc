import type { CommitRecord } from "./types.ts";

/** The instructions of a commit's `Codex:` trailers, trimmed, empty ones dropped. */
export function taskInstructions(commit: CommitRecord): string[] {
  return commit.codexTrailers.map((value) => value.trim()).filter((value) => value !== "");
}

/**
 * True for the bot's own commits, which never become tasks whatever their message says:
 * authored by the bot, or carrying the `Codex-Task:` trailer every result commit has (a
 * result cherry-picked or rebased by a person keeps the trailer but not the author).
 */
export function isBotCommit(commit: CommitRecord, botEmail: string): boolean {
  if (commit.hasTaskTrailer) return true;
  const bot = botEmail.trim().toLowerCase();
  // An unset bot email must not match every commit that lacks an author email.
  return bot !== "" && commit.authorEmail.trim().toLowerCase() === bot;
}
