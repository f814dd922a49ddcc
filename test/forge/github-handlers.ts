/** The GitHub stand-in's stateful behaviour, one function per operation, as GitHub answers. */
import type { GitHubOperation } from "../helpers/github-spec.ts";
import {
  collaboratorPermission, issueComment, label, publicUser, pullRequest, reaction,
  type CommentRecord, type LabelRecord, type PullRecord, type Site,
} from "./github-objects.ts";

export interface RepoState {
  pulls: PullRecord[];
  labels: LabelRecord[];
  comments: CommentRecord[];
  /** Login (lower case) → role: admin, maintain, write, triage, read or none. A login not here is no GitHub user. */
  roles: Map<string, string>;
}

export interface World {
  site: Site;
  draftSupported: boolean;
  repos: Map<string, RepoState>;
  nextId: number;
  /** Advances with every write, so updated_at moves. */
  tick: number;
  /** The account the token acts as: it opens the pull requests, and its reactions are its own. */
  viewer: { login: string; id: number };
}

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type Params = Record<string, string>;

const DOCS = "https://docs.github.com/rest";

export function repoState(world: World, owner: string, repo: string): RepoState {
  const key = `${owner}/${repo}`.toLowerCase();
  let state = world.repos.get(key);
  if (!state) world.repos.set(key, (state = { pulls: [], labels: [], comments: [], roles: new Map() }));
  return state;
}

/** A comment a person (or a bot) writes in a pull request's conversation, now by the wall clock, as GitHub stamps it. */
export function addComment(world: World, owner: string, repo: string, issue: number, input: { login: string; userId?: number; userType?: string; body: string }): CommentRecord {
  const time = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const record: CommentRecord = {
    id: world.nextId++, issue, login: input.login, userId: input.userId ?? world.nextId++, userType: input.userType ?? "User",
    body: input.body, createdAt: time, updatedAt: time, reactions: [],
  };
  repoState(world, owner, repo).comments.push(record);
  return record;
}

function now(world: World): string {
  world.tick += 1;
  return new Date(Date.UTC(2025, 0, 1) + world.tick * 1000).toISOString().replace(/\.\d+Z$/, "Z");
}

function invalid(resource: string, detail: { code: string; field?: string; message?: string }): Reply {
  return { status: 422, body: { message: "Validation Failed", errors: [{ resource, ...detail }], documentation_url: `${DOCS}/pulls/pulls`, status: "422" } };
}

const notFound: Reply = { status: 404, body: { message: "Not Found", documentation_url: DOCS, status: "404" } };

type Handler = (world: World, params: Params, query: Params, body: unknown) => Reply;

export const HANDLERS: Record<GitHubOperation, Handler> = {
  "pulls/list": (world, { owner = "", repo = "" }, query) => {
    const state = query.state ?? "open";
    const pulls = repoState(world, owner, repo).pulls.filter((pull) =>
      (state === "all" || pull.state === state) &&
      (query.head === undefined || `${owner}:${pull.head}`.toLowerCase() === query.head.toLowerCase()) &&
      (query.base === undefined || pull.base === query.base));
    const perPage = Number(query.per_page ?? 30);
    const page = Number(query.page ?? 1);
    return { status: 200, body: pulls.slice((page - 1) * perPage, page * perPage).map((pull) => pullRequest(world.site, owner, repo, pull, false)) };
  },
  "pulls/create": (world, { owner = "", repo = "" }, _query, raw) => {
    const body = raw as { title?: string; head: string; base: string; body?: string; draft?: boolean };
    const head = body.head.includes(":") ? body.head.slice(body.head.indexOf(":") + 1) : body.head;
    const state = repoState(world, owner, repo);
    if (state.pulls.some((pull) => pull.state === "open" && pull.head === head && pull.base === body.base)) {
      return invalid("PullRequest", { code: "custom", message: `A pull request already exists for ${owner}:${head}.` });
    }
    if (body.draft && !world.draftSupported) return invalid("PullRequest", { code: "custom", message: "Draft pull requests are not supported in this repository." });
    const time = now(world);
    const pull: PullRecord = {
      number: state.pulls.length + 1, id: world.nextId++, title: body.title ?? "", body: body.body ?? null, head, base: body.base,
      draft: body.draft === true, state: "open", merged: false, labels: [], createdAt: time, updatedAt: time,
    };
    state.pulls.push(pull);
    return { status: 201, body: pullRequest(world.site, owner, repo, pull, true), headers: { location: `${world.site.api}/repos/${owner}/${repo}/pulls/${pull.number}` } };
  },
  "pulls/get": (world, { owner = "", repo = "", pull_number = "" }) => {
    const pull = repoState(world, owner, repo).pulls.find((entry) => entry.number === Number(pull_number));
    return pull ? { status: 200, body: pullRequest(world.site, owner, repo, pull, true) } : notFound;
  },
  "pulls/update": (world, { owner = "", repo = "", pull_number = "" }, _query, raw) => {
    const pull = repoState(world, owner, repo).pulls.find((entry) => entry.number === Number(pull_number));
    if (!pull) return notFound;
    const change = (raw ?? {}) as { title?: string; body?: string; state?: "open" | "closed"; base?: string };
    Object.assign(pull, { ...change, updatedAt: now(world) });
    return { status: 200, body: pullRequest(world.site, owner, repo, pull, true) };
  },
  "issues/list-labels-for-repo": (world, { owner = "", repo = "" }, query) => {
    const labels = repoState(world, owner, repo).labels;
    const perPage = Number(query.per_page ?? 30);
    const page = Number(query.page ?? 1);
    const headers: Record<string, string> = {};
    if (page * perPage < labels.length) headers.link = `<${world.site.api}/repos/${owner}/${repo}/labels?per_page=${perPage}&page=${page + 1}>; rel="next"`;
    return { status: 200, body: labels.slice((page - 1) * perPage, page * perPage).map((record) => label(world.site, owner, repo, record)), headers };
  },
  "issues/create-label": (world, { owner = "", repo = "" }, _query, raw) => {
    const body = raw as { name: string; color?: string; description?: string };
    const state = repoState(world, owner, repo);
    if (state.labels.some((record) => record.name.toLowerCase() === body.name.toLowerCase())) return invalid("Label", { code: "already_exists", field: "name" });
    const record: LabelRecord = { id: world.nextId++, name: body.name, color: body.color ?? "ededed", description: body.description ?? null };
    state.labels.push(record);
    return { status: 201, body: label(world.site, owner, repo, record) };
  },
  "issues/add-labels": (world, { owner = "", repo = "", issue_number = "" }, _query, raw) => {
    const state = repoState(world, owner, repo);
    const pull = state.pulls.find((entry) => entry.number === Number(issue_number));
    if (!pull) return notFound;
    const given = Array.isArray(raw) ? raw : ((raw ?? {}) as { labels?: unknown[] }).labels ?? [];
    for (const entry of given) {
      const name = typeof entry === "string" ? entry : (entry as { name: string }).name;
      // GitHub makes a label it does not have yet, grey.
      let record = state.labels.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
      if (!record) state.labels.push((record = { id: world.nextId++, name, color: "ededed", description: null }));
      if (!pull.labels.includes(record)) pull.labels.push(record);
    }
    return { status: 200, body: pull.labels.map((record) => label(world.site, owner, repo, record)) };
  },
  "issues/list-comments": (world, { owner = "", repo = "", issue_number = "" }, query) => {
    const state = repoState(world, owner, repo);
    if (!state.pulls.some((pull) => pull.number === Number(issue_number))) return notFound;
    const since = query.since === undefined ? Number.NEGATIVE_INFINITY : Date.parse(query.since);
    const comments = state.comments.filter((c) => c.issue === Number(issue_number) && Date.parse(c.updatedAt) >= since).sort((a, b) => a.id - b.id);
    const perPage = Number(query.per_page ?? 30);
    const page = Number(query.page ?? 1);
    return { status: 200, body: comments.slice((page - 1) * perPage, page * perPage).map((record) => issueComment(world.site, owner, repo, record)) };
  },
  "repos/get-collaborator-permission-level": (world, { owner = "", repo = "", username = "" }) => {
    const role = repoState(world, owner, repo).roles.get(username.toLowerCase());
    return role === undefined ? notFound : { status: 200, body: collaboratorPermission(world.site, username, 7000 + username.length, role) };
  },
  "reactions/create-for-issue-comment": (world, { owner = "", repo = "", comment_id = "" }, _query, raw) => {
    const comment = repoState(world, owner, repo).comments.find((c) => c.id === Number(comment_id));
    if (!comment) return notFound;
    const content = (raw as { content: string }).content;
    const existing = comment.reactions.find((r) => r.content === content && r.login === world.viewer.login);
    if (existing) return { status: 200, body: reaction(world.site, existing) };
    const record = { id: world.nextId++, content, login: world.viewer.login, userId: world.viewer.id, createdAt: now(world) };
    comment.reactions.push(record);
    return { status: 201, body: reaction(world.site, record) };
  },
  "users/get-authenticated": (world) => ({ status: 200, body: publicUser(world.site, world.viewer.login, world.viewer.id) }),
};
