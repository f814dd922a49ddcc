/**
 * How a pull request comment asks git-codex for something: pure readings of a comment's
 * text, its author and their access, so the intake (src/run/comment-intake.ts) only
 * orchestrates.
 */
import type { CollaboratorAccess, IssueComment } from "./forge.ts";

/** Longer instructions are refused with a reason rather than cut: a cut one asks for something else. */
export const MAX_INSTRUCTION_CHARS = 4000;

export type CommentCommand =
  /** Not addressed to git-codex. */
  | { kind: "none" }
  /** `@codex` with nothing after it. */
  | { kind: "empty" }
  | { kind: "too-long"; length: number }
  | { kind: "ask"; instruction: string };

/**
 * `@codex <instruction>`: the comment, trimmed, starts with `@codex` (any case) and
 * whitespace; the rest is the instruction. `@codexbot …` or `cc @codex` are not commands.
 */
export function readCommentCommand(body: string): CommentCommand {
  const match = /^@codex(?:\s+([\s\S]*))?$/i.exec(body.replace(/\r\n?/g, "\n").trim());
  if (!match) return { kind: "none" };
  const instruction = (match[1] ?? "").trim();
  if (instruction === "") return { kind: "empty" };
  if (instruction.length > MAX_INSTRUCTION_CHARS) return { kind: "too-long", length: instruction.length };
  return { kind: "ask", instruction };
}

const WRITE_PERMISSIONS = new Set(["admin", "write"]);
const WRITE_ROLES = new Set(["admin", "maintain", "write"]);

/** Admin, maintain and write may push to the repository, so they may ask by comment too. */
export function hasWriteAccess(access: CollaboratorAccess | undefined): boolean {
  if (!access) return false;
  return WRITE_PERMISSIONS.has(access.permission.toLowerCase()) || WRITE_ROLES.has(access.roleName.toLowerCase());
}

/** The account's role in words, for a refusal: the finer role name when GitHub gives one. */
export function accessWords(access: CollaboratorAccess | undefined): string {
  if (!access) return "no access";
  const role = access.roleName.trim() || access.permission.trim();
  return role === "" || role === "none" ? "no access" : `${role} access`;
}

/**
 * Comments the bot's own account wrote never ask it for anything (loop prevention, as with
 * its commits); nor do other bots' or a deleted account's. `tokenLogin` is who the token
 * is, when GitHub says.
 */
export function isOwnOrBotComment(comment: IssueComment, tokenLogin: string | undefined): boolean {
  if (!comment.user) return true;
  if (comment.user.type.toLowerCase() === "bot") return true;
  return tokenLogin !== undefined && comment.user.login.toLowerCase() === tokenLogin.toLowerCase();
}

/** GitHub's private address of an account, which it attributes to that account in a Co-authored-by trailer. */
export function noreplyEmail(login: string, id: number): string {
  return `${id}+${login}@users.noreply.github.com`;
}
