/**
 * One pull request per result branch, however often this runs: look it up by head first,
 * write only what changed, and treat GitHub's "already exists" (a retried POST whose first
 * attempt went through, or another daemon) as "look it up again".
 */
import type { Forge, PullRequest, RepoRef } from "./forge.ts";
import { ForgeError } from "./forge-error.ts";

export interface EnsurePullRequestInput {
  owner: string;
  repo: string;
  /** The result branch, without refs/heads/. */
  head: string;
  base: string;
  title: string;
  body: string;
  draft: boolean;
  /** Created in the repository when missing, and put on a pull request this call opens. */
  labels: readonly string[];
}

export interface EnsuredPullRequest {
  number: number;
  url: string;
  action: "created" | "updated" | "unchanged";
  /** What went wrong on the side (labels), one line each; the pull request itself is fine. */
  warnings: string[];
}

const ALREADY_EXISTS = /a pull request already exists/i;
const DRAFT_UNSUPPORTED = /draft pull requests are not supported/i;

export async function ensurePullRequest(forge: Forge, input: EnsurePullRequestInput): Promise<EnsuredPullRequest> {
  const repo: RepoRef = { owner: input.owner, repo: input.repo };
  const existing = await forge.findOpenPull(repo, input.head);
  if (existing) return { ...(await refresh(forge, repo, existing, input)), warnings: [] };

  let created: PullRequest;
  try {
    created = await create(forge, repo, input);
  } catch (error) {
    if (!(error instanceof ForgeError && error.status === 422 && error.says(ALREADY_EXISTS))) throw error;
    const found = await forge.findOpenPull(repo, input.head);
    if (!found) throw error;
    // The earlier attempt may have been cut off before its labels; add what is missing.
    return { ...(await refresh(forge, repo, found, input)), warnings: await label(forge, repo, found, input.labels) };
  }
  return { number: created.number, url: created.url, action: "created", warnings: await label(forge, repo, created, input.labels) };
}

/** The fields of an open pull request that differ from what it should say. */
export function pullRequestChange(pull: Pick<PullRequest, "title" | "body">, wanted: { title: string; body: string }): { title?: string; body?: string } {
  const change: { title?: string; body?: string } = {};
  if (normalise(pull.title) !== normalise(wanted.title)) change.title = wanted.title;
  if (normalise(pull.body) !== normalise(wanted.body)) change.body = wanted.body;
  return change;
}

async function refresh(forge: Forge, repo: RepoRef, pull: PullRequest, input: EnsurePullRequestInput): Promise<Omit<EnsuredPullRequest, "warnings">> {
  const change = pullRequestChange(pull, input);
  if (Object.keys(change).length === 0) return { number: pull.number, url: pull.url, action: "unchanged" };
  const updated = await forge.updatePull(repo, pull.number, change);
  return { number: updated.number, url: updated.url || pull.url, action: "updated" };
}

async function create(forge: Forge, repo: RepoRef, input: EnsurePullRequestInput): Promise<PullRequest> {
  const pull = { head: input.head, base: input.base, title: input.title, body: input.body, draft: input.draft };
  try {
    return await forge.createPull(repo, pull);
  } catch (error) {
    // Private repositories on some plans have no drafts: a ready pull request is the next best.
    if (!(input.draft && error instanceof ForgeError && error.status === 422 && error.says(DRAFT_UNSUPPORTED))) throw error;
    return await forge.createPull(repo, { ...pull, draft: false });
  }
}

/** Labels are a courtesy: a token that may open pull requests but not label them still gets its PR. */
async function label(forge: Forge, repo: RepoRef, pull: PullRequest, labels: readonly string[]): Promise<string[]> {
  const have = new Set(pull.labels.map((name) => name.toLowerCase()));
  const missing = labels.filter((name) => !have.has(name.toLowerCase()));
  if (missing.length === 0) return [];
  try {
    await forge.ensureLabels(repo, missing);
    await forge.addLabels(repo, pull.number, missing);
    return [];
  } catch (error) {
    return [`labels ${missing.join(", ")} not added: ${error instanceof Error ? error.message : String(error)}`];
  }
}

// GitHub stores what it is sent, but a person editing in the browser turns \n into \r\n.
function normalise(text: string): string {
  return text.replace(/\r\n/g, "\n");
}
