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
}
