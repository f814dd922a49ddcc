/**
 * What the rest of git-codex needs from a forge. Run code depends on this interface, never
 * on Octokit, so tests can hand in a double and another forge could implement it.
 */

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface PullRequest {
  number: number;
  /** The page a person opens (html_url). */
  url: string;
  title: string;
  body: string;
  state: "open" | "closed";
  merged: boolean;
  draft: boolean;
  /** Head and base branch names, without owner. */
  head: string;
  base: string;
  labels: string[];
}

export interface NewPullRequest {
  /** Branch name in the same repository, without owner or refs/heads/. */
  head: string;
  base: string;
  title: string;
  body: string;
  draft: boolean;
}

export interface PullRequestChange {
  title?: string;
  body?: string;
}

/** A comment on an issue or pull request's conversation (not a review comment on a line). */
export interface IssueComment {
  id: number;
  /** The page a person opens (html_url). */
  url: string;
  body: string;
  /** Undefined for a deleted account ("ghost"). */
  user: { login: string; id: number; type: string } | undefined;
  createdAt: string;
  updatedAt: string;
}

/** What GitHub says a user may do in a repository: `permission` (admin, write, read, none) and the finer `roleName`. */
export interface CollaboratorAccess {
  permission: string;
  roleName: string;
}

export type CommentReaction = "+1" | "-1" | "laugh" | "confused" | "heart" | "hooray" | "rocket" | "eyes";

/** Every method throws a ForgeError when GitHub says no after its bounded retries. */
export interface Forge {
  /** The open pull request whose head is `head` in `repo` itself, if any. */
  findOpenPull(repo: RepoRef, head: string): Promise<PullRequest | undefined>;
  createPull(repo: RepoRef, pull: NewPullRequest): Promise<PullRequest>;
  updatePull(repo: RepoRef, number: number, change: PullRequestChange): Promise<PullRequest>;
  getPull(repo: RepoRef, number: number): Promise<PullRequest>;
  /** Creates the labels the repository lacks (names compare case-insensitively); returns those created. */
  ensureLabels(repo: RepoRef, names: readonly string[]): Promise<string[]>;
  addLabels(repo: RepoRef, number: number, names: readonly string[]): Promise<void>;
  /** One page (oldest first) of the comments on issue or pull request `number` updated at or after `since` (ISO 8601). */
  listIssueComments(repo: RepoRef, number: number, options: { since?: string; perPage?: number }): Promise<IssueComment[]>;
  /** The user's access to `repo`; undefined when GitHub knows no such user. */
  collaboratorAccess(repo: RepoRef, login: string): Promise<CollaboratorAccess | undefined>;
  /** Adds the token's reaction to an issue comment; one that is already there is fine. */
  reactToComment(repo: RepoRef, commentId: number, content: CommentReaction): Promise<void>;
  /** The login the token acts as (read once), or undefined when the token cannot say (a GitHub App's installation token). */
  tokenLogin(): Promise<string | undefined>;
}
