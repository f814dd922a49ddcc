/**
 * The Forge on GitHub's REST API: Octokit with its retry and throttling plugins, every
 * failure turned into a ForgeError. All GitHub calls of git-codex go through here.
 */
import type { Octokit } from "octokit";
import type { Forge, PullRequest, RepoRef } from "./forge.ts";
import { toForgeError } from "./forge-error.ts";
import type { ForgeClientOptions } from "./octokit.ts";
import { commentMethods } from "./comments-client.ts";

export type { ForgeClientOptions };

export const LABEL_COLOR = "5319e7";
export const LABEL_DESCRIPTION = "Made by git-codex";

/**
 * Octokit (about 120 ms to load) is imported by the first call, so a daemon or a run that
 * never talks to GitHub never loads it.
 */
export function createForgeClient(options: ForgeClientOptions): Forge {
  let made: Promise<Octokit> | undefined;
  const load = (): Promise<Octokit> => (made ??= import("./octokit.ts").then(({ createOctokit }) => createOctokit(options)));
  const call = async <T>(action: string, repo: RepoRef, run: (octokit: Octokit) => Promise<T>): Promise<T> => {
    try {
      return await run(await load());
    } catch (error) {
      throw toForgeError(error, action, `${repo.owner}/${repo.repo}`);
    }
  };

  return {
    findOpenPull: (repo, head) =>
      call(`looking up the pull request for ${head}`, repo, async (octokit) => {
        const { data } = await octokit.rest.pulls.list({ ...repo, head: `${repo.owner}:${head}`, state: "open", per_page: 100 });
        const label = `${repo.owner}:${head}`.toLowerCase();
        const found = data.find((pull) => pull.head.ref === head && pull.head.label.toLowerCase() === label);
        return found ? toPullRequest(found) : undefined;
      }),
    createPull: (repo, pull) =>
      call(`opening a pull request for ${pull.head}`, repo, async (octokit) => {
        const { data } = await octokit.rest.pulls.create({ ...repo, head: pull.head, base: pull.base, title: pull.title, body: pull.body, draft: pull.draft });
        return toPullRequest(data);
      }),
    updatePull: (repo, number, change) =>
      call(`updating pull request #${number}`, repo, async (octokit) => {
        const { data } = await octokit.rest.pulls.update({ ...repo, pull_number: number, ...change });
        return toPullRequest(data);
      }),
    getPull: (repo, number) =>
      call(`reading pull request #${number}`, repo, async (octokit) => toPullRequest((await octokit.rest.pulls.get({ ...repo, pull_number: number })).data)),
    ensureLabels: (repo, names) => call(`creating labels ${names.join(", ")}`, repo, (octokit) => createMissingLabels(octokit, repo, names)),
    addLabels: (repo, number, names) =>
      call(`labelling pull request #${number}`, repo, async (octokit) => {
        if (names.length > 0) await octokit.rest.issues.addLabels({ ...repo, issue_number: number, labels: [...names] });
      }),
    ...commentMethods(load, call),
  };
}

async function createMissingLabels(octokit: Octokit, repo: RepoRef, names: readonly string[]): Promise<string[]> {
  const existing = await octokit.paginate(octokit.rest.issues.listLabelsForRepo, { ...repo, per_page: 100 });
  const have = new Set(existing.map((label) => label.name.toLowerCase()));
  const wanted = new Map(names.map((name) => [name.toLowerCase(), name]));
  const created: string[] = [];
  for (const [key, name] of wanted) {
    if (have.has(key)) continue;
    try {
      await octokit.rest.issues.createLabel({ ...repo, name, color: LABEL_COLOR, description: LABEL_DESCRIPTION });
      created.push(name);
    } catch (error) {
      // Made meanwhile by someone else (or by a retried request): that is what we wanted.
      if (!isAlreadyExists(error)) throw error;
    }
  }
  return created;
}

interface PullData {
  number: number;
  html_url: string;
  title: string;
  body: string | null;
  state: string;
  merged_at: string | null;
  draft?: boolean;
  head: { ref: string };
  base: { ref: string };
  labels: Array<{ name?: string }>;
}

function toPullRequest(data: PullData): PullRequest {
  return {
    number: data.number,
    url: data.html_url,
    title: data.title,
    body: data.body ?? "",
    state: data.state === "closed" ? "closed" : "open",
    merged: data.merged_at !== null,
    draft: data.draft === true,
    head: data.head.ref,
    base: data.base.ref,
    labels: data.labels.flatMap((label) => (label.name ? [label.name] : [])),
  };
}

function isAlreadyExists(error: unknown): boolean {
  const shape = error as { status?: unknown; response?: { data?: { errors?: Array<{ code?: unknown }> } } };
  return shape.status === 422 && (shape.response?.data?.errors ?? []).some((entry) => entry.code === "already_exists");
}

