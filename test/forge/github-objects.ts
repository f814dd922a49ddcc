/**
 * GitHub's response objects as the stand-in sends them: every property GitHub's OpenAPI
 * description requires, so the client is tested against answers shaped like the real ones.
 */

export interface Site {
  /** Web origin, e.g. http://127.0.0.1:1234 (html_url and clone URLs). */
  web: string;
  /** API base, e.g. http://127.0.0.1:1234/api/v3. */
  api: string;
}

export interface LabelRecord {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

export interface PullRecord {
  number: number;
  id: number;
  title: string;
  body: string | null;
  head: string;
  base: string;
  draft: boolean;
  state: "open" | "closed";
  merged: boolean;
  labels: LabelRecord[];
  createdAt: string;
  updatedAt: string;
}

const TIME = "2025-01-01T00:00:00Z";

export function user(site: Site, login: string, id: number): Record<string, unknown> {
  const api = `${site.api}/users/${login}`;
  return {
    login, id, node_id: `U_${id}`, avatar_url: `${site.web}/avatars/${login}`, gravatar_id: "", url: api, html_url: `${site.web}/${login}`,
    followers_url: `${api}/followers`, following_url: `${api}/following{/other_user}`, gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`, subscriptions_url: `${api}/subscriptions`, organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`, events_url: `${api}/events{/privacy}`, received_events_url: `${api}/received_events`, type: "User", site_admin: false,
  };
}

// The repository object's many *_url properties; their values only need to be URLs.
const REPO_URLS = [
  "archive", "assignees", "blobs", "branches", "collaborators", "comments", "commits", "compare", "contents", "contributors",
  "deployments", "downloads", "events", "forks", "git_commits", "git_refs", "git_tags", "hooks", "issue_comment", "issue_events",
  "issues", "keys", "labels", "languages", "merges", "milestones", "notifications", "pulls", "releases", "stargazers", "statuses",
  "subscribers", "subscription", "tags", "teams", "trees",
];

export function repository(site: Site, owner: string, name: string): Record<string, unknown> {
  const full = `${owner}/${name}`;
  const api = `${site.api}/repos/${full}`;
  const urls = Object.fromEntries(REPO_URLS.map((kind) => [`${kind}_url`, `${api}/${kind.replace(/_/g, "/")}`]));
  return {
    ...urls, id: 1296269, node_id: "R_1", name, full_name: full, owner: user(site, owner, 1), private: false, html_url: `${site.web}/${full}`,
    description: null, fork: false, url: api, clone_url: `${site.web}/${full}.git`, git_url: `git://127.0.0.1/${full}.git`,
    ssh_url: `git@127.0.0.1:${full}.git`, svn_url: `${site.web}/${full}`, mirror_url: null, homepage: null, language: null,
    forks: 0, forks_count: 0, stargazers_count: 0, watchers: 0, watchers_count: 0, size: 1, default_branch: "main",
    open_issues: 0, open_issues_count: 0, has_issues: true, has_projects: false, has_wiki: false, has_pages: false, has_downloads: true,
    archived: false, disabled: false, license: null, pushed_at: TIME, created_at: TIME, updated_at: TIME,
  };
}

export function label(site: Site, owner: string, repo: string, record: LabelRecord): Record<string, unknown> {
  return {
    id: record.id, node_id: `LA_${record.id}`, url: `${site.api}/repos/${owner}/${repo}/labels/${encodeURIComponent(record.name)}`,
    name: record.name, description: record.description, color: record.color, default: false,
  };
}

function branch(site: Site, owner: string, repo: string, ref: string): Record<string, unknown> {
  return { label: `${owner}:${ref}`, ref, sha: "0123456789abcdef0123456789abcdef01234567", user: user(site, owner, 1), repo: repository(site, owner, repo) };
}

/** pull-request-simple (lists) or, with `full`, pull-request (single reads and writes). */
export function pullRequest(site: Site, owner: string, repo: string, pull: PullRecord, full: boolean): Record<string, unknown> {
  const api = `${site.api}/repos/${owner}/${repo}`;
  const html = `${site.web}/${owner}/${repo}/pull/${pull.number}`;
  const link = (href: string) => ({ href });
  const simple: Record<string, unknown> = {
    url: `${api}/pulls/${pull.number}`, id: pull.id, node_id: `PR_${pull.id}`, html_url: html, diff_url: `${html}.diff`, patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${pull.number}`, commits_url: `${api}/pulls/${pull.number}/commits`,
    review_comments_url: `${api}/pulls/${pull.number}/comments`, review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pull.number}/comments`, statuses_url: `${api}/statuses/0123456789abcdef0123456789abcdef01234567`,
    number: pull.number, state: pull.state, locked: false, title: pull.title, user: user(site, "git-codex-bot", 2), body: pull.body,
    // In lists GitHub's description types a label's description as a plain string.
    labels: pull.labels.map((record) => label(site, owner, repo, full ? record : { ...record, description: record.description ?? "" })),
    milestone: null, active_lock_reason: null,
    created_at: pull.createdAt, updated_at: pull.updatedAt, closed_at: pull.state === "closed" ? pull.updatedAt : null,
    merged_at: pull.merged ? pull.updatedAt : null, merge_commit_sha: null, assignee: null, assignees: [], requested_reviewers: [],
    requested_teams: [], head: branch(site, owner, repo, pull.head), base: branch(site, owner, repo, pull.base),
    _links: {
      self: link(`${api}/pulls/${pull.number}`), html: link(html), issue: link(`${api}/issues/${pull.number}`),
      comments: link(`${api}/issues/${pull.number}/comments`), review_comments: link(`${api}/pulls/${pull.number}/comments`),
      review_comment: link(`${api}/pulls/comments{/number}`), commits: link(`${api}/pulls/${pull.number}/commits`),
      statuses: link(`${api}/statuses/0123456789abcdef0123456789abcdef01234567`),
    },
    author_association: "NONE", auto_merge: null, draft: pull.draft,
  };
  if (!full) return simple;
  return {
    ...simple, merged: pull.merged, mergeable: true, rebaseable: true, mergeable_state: "clean", merged_by: null,
    comments: 0, review_comments: 0, maintainer_can_modify: false, commits: 1, additions: 1, deletions: 0, changed_files: 1,
  };
}

export interface ReactionRecord {
  id: number;
  content: string;
  login: string;
  userId: number;
  createdAt: string;
}

/** A comment in a pull request's conversation, as a person (or a bot) wrote it. */
export interface CommentRecord {
  id: number;
  issue: number;
  login: string;
  userId: number;
  /** "User", or "Bot" for an app's account. */
  userType: string;
  body: string;
  createdAt: string;
  updatedAt: string;
  reactions: ReactionRecord[];
}

/** issue-comment. */
export function issueComment(site: Site, owner: string, repo: string, record: CommentRecord): Record<string, unknown> {
  const api = `${site.api}/repos/${owner}/${repo}`;
  return {
    id: record.id, node_id: `IC_${record.id}`, url: `${api}/issues/comments/${record.id}`, body: record.body,
    html_url: `${site.web}/${owner}/${repo}/pull/${record.issue}#issuecomment-${record.id}`, issue_url: `${api}/issues/${record.issue}`,
    user: { ...user(site, record.login, record.userId), type: record.userType }, created_at: record.createdAt, updated_at: record.updatedAt,
    author_association: "COLLABORATOR", performed_via_github_app: null,
  };
}

/** reaction. */
export function reaction(site: Site, record: ReactionRecord): Record<string, unknown> {
  return { id: record.id, node_id: `REA_${record.id}`, user: user(site, record.login, record.userId), content: record.content, created_at: record.createdAt };
}

// GitHub's coarse permission for each role: maintain pushes like write, triage reads.
const PERMISSION_OF_ROLE: Record<string, string> = { admin: "admin", maintain: "write", write: "write", triage: "read", read: "read", none: "none" };

/** repository-collaborator-permission. */
export function collaboratorPermission(site: Site, login: string, id: number, role: string): Record<string, unknown> {
  const permission = PERMISSION_OF_ROLE[role] ?? "none";
  return {
    permission, role_name: role,
    user: { ...user(site, login, id), role_name: role, permissions: { admin: permission === "admin", maintain: role === "maintain" || permission === "admin", push: permission === "write" || permission === "admin", triage: permission !== "none", pull: permission !== "none" } },
  };
}

/** public-user: what GET /user says of the token's account. */
export function publicUser(site: Site, login: string, id: number): Record<string, unknown> {
  return {
    ...user(site, login, id), name: null, company: null, blog: null, location: null, email: null, hireable: null, bio: null,
    public_repos: 0, public_gists: 0, followers: 0, following: 0, created_at: TIME, updated_at: TIME, user_view_type: "public",
  };
}
