/**
 * Whether results become pull requests, and where: a pure reading of the environment and
 * the remote URL. Pull requests are optional, so every "no" carries a reason a person can
 * read in `git codex status`.
 */
import { displayRemote, githubRepoFromUrl, parseRepositoryName } from "./repo-from-url.ts";

export const DEFAULT_API_URL = "https://api.github.com";

export type ForgeConfig =
  | { ok: true; owner: string; repo: string; apiUrl: string; token: string }
  /** `misconfigured`: something was set but is wrong (worth a warning), rather than simply not set up. */
  | { ok: false; reason: string; misconfigured: boolean };

export interface ForgeSettings {
  /** The GitHub API URL from the repository's configuration; GITHUB_API_URL wins over it. */
  apiUrl?: string;
}

const BRANCHES_ONLY = "results are pushed as branches only";

/**
 * GITHUB_REPOSITORY=owner/repo names the repository whatever the remote is; otherwise the
 * remote URL must be on github.com or on the host of the configured API URL. The token is
 * GITHUB_TOKEN, else GH_TOKEN.
 */
export function resolveForge(env: Record<string, string | undefined>, remoteUrl: string | undefined, settings: ForgeSettings = {}): ForgeConfig {
  const apiText = (env.GITHUB_API_URL?.trim() || settings.apiUrl?.trim() || DEFAULT_API_URL).replace(/\/+$/, "");
  const source = env.GITHUB_API_URL?.trim() ? "GITHUB_API_URL" : "the configured GitHub API URL";
  const api = parseApiUrl(apiText);
  if (!api) return problem(`${source} "${displayRemote(apiText).slice(0, 200)}" is not an http(s) URL: ${BRANCHES_ONLY}`);

  const override = env.GITHUB_REPOSITORY?.trim();
  let target: { owner: string; repo: string } | undefined;
  if (override) {
    target = parseRepositoryName(override);
    if (!target) return problem(`GITHUB_REPOSITORY "${override.slice(0, 200)}" is not owner/repo: ${BRANCHES_ONLY}`);
  } else if (!remoteUrl?.trim()) {
    return absent(`the repository has no remote URL to find its GitHub repository in: ${BRANCHES_ONLY} (set GITHUB_REPOSITORY=owner/repo to open pull requests)`);
  } else {
    target = githubRepoFromUrl(remoteUrl, api.host);
    if (!target) return absent(`the remote ${displayRemote(remoteUrl.trim()).slice(0, 200)} is not on GitHub: ${BRANCHES_ONLY} (for GitHub Enterprise set GITHUB_API_URL; or set GITHUB_REPOSITORY=owner/repo)`);
  }

  const token = env.GITHUB_TOKEN?.trim() || env.GH_TOKEN?.trim();
  if (!token) return absent(`no GITHUB_TOKEN or GH_TOKEN: ${BRANCHES_ONLY}`);
  return { ok: true, owner: target.owner, repo: target.repo, apiUrl: apiText, token };
}

function parseApiUrl(text: string): { host: string } | undefined {
  try {
    const url = new URL(text);
    return url.protocol === "https:" || url.protocol === "http:" ? { host: url.hostname.toLowerCase() } : undefined;
  } catch {
    return undefined;
  }
}

function absent(reason: string): ForgeConfig {
  return { ok: false, reason, misconfigured: false };
}

function problem(reason: string): ForgeConfig {
  return { ok: false, reason, misconfigured: true };
}
