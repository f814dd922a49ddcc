/**
 * A GitHub REST stand-in on 127.0.0.1 for the operations git-codex uses. Every request's
 * parameters and body are checked against GitHub's OpenAPI description, and so is every
 * answer it gives; anything off lands in `problems`, which a test expects to stay empty.
 * Faults are scripted per operation: a 5xx, a secondary rate limit, or an answer lost
 * after the request took effect (the case that makes a retried POST meet "already exists").
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { componentErrors, GITHUB_OPERATIONS, operationSpec, parameterErrors, requestBodyErrors, responseErrors, type GitHubOperation } from "../helpers/github-spec.ts";
import { addComment, HANDLERS, repoState, type Reply, type World } from "./github-handlers.ts";
import type { CommentRecord, LabelRecord, PullRecord } from "./github-objects.ts";

export type Fault =
  | { kind: "status"; status: number }
  /** GitHub's documented secondary limit: 403 (or 429), retry-after, and its message. */
  | { kind: "secondary-rate-limit"; retryAfter: number; status?: 403 | 429 }
  /** A 403/429 with retry-after but some other message, as older Enterprise servers send. */
  | { kind: "retry-after"; retryAfter: number; status: 403 | 429; message: string }
  /** The request takes effect, then its answer is lost: a 502, or the connection reset. */
  | { kind: "lost-response"; as: "502" | "reset" };

export interface RecordedRequest {
  method: string;
  operation?: GitHubOperation;
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
  authorization?: string;
}

export interface StandIn {
  /** What GITHUB_API_URL would be: the origin plus the base path. */
  apiUrl: string;
  requests: RecordedRequest[];
  problems: string[];
  pulls(owner: string, repo: string): PullRecord[];
  labels(owner: string, repo: string): LabelRecord[];
  /** A person comments on pull request `issue`; the record is live (edit its body and updatedAt to edit it). */
  comment(owner: string, repo: string, issue: number, input: { login: string; userId?: number; userType?: string; body: string }): CommentRecord;
  /** Gives `login` a role in the repository (admin, maintain, write, triage, read, none). */
  grant(owner: string, repo: string, login: string, role: string): void;
  /** Requests of one operation that reached the stand-in, faults included. */
  count(operation: GitHubOperation): number;
  fail(operation: GitHubOperation, fault: Fault, times?: number): void;
  close(): Promise<void>;
}

export interface StandInOptions {
  /** "" like api.github.com, "/api/v3" like GitHub Enterprise Server. */
  basePath?: string;
  token?: string;
  draftSupported?: boolean;
}

export const SECONDARY_LIMIT_MESSAGE =
  "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:1111:2222.";

const ROUTES = GITHUB_OPERATIONS.map((operation) => {
  const spec = operationSpec(operation);
  const pattern = spec.path.replace(/\{(\w+)\}/g, "(?<$1>[^/]+)");
  return { operation, method: spec.method.toUpperCase(), regex: new RegExp(`^${pattern}$`) };
});

export async function startGitHubStandIn(options: StandInOptions = {}): Promise<StandIn> {
  const basePath = options.basePath ?? "";
  const token = options.token ?? "test-token";
  const requests: RecordedRequest[] = [];
  const problems: string[] = [];
  const faults = new Map<GitHubOperation, Fault[]>();
  const world: World = { site: { web: "", api: "" }, draftSupported: options.draftSupported ?? true, repos: new Map(), nextId: 100, tick: 0, viewer: { login: "git-codex-bot", id: 2 } };

  const server = createServer((req, res) => {
    void serve(req, res).catch((error: unknown) => {
      problems.push(`stand-in crashed: ${String(error)}`);
      if (!res.headersSent) send(res, { status: 500, body: { message: "stand-in crashed" } });
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://stand-in");
    const text = await readBody(req);
    const body = text === "" ? undefined : (JSON.parse(text) as unknown);
    const query = Object.fromEntries(url.searchParams);
    const record: RecordedRequest = { method: req.method ?? "", path: url.pathname, query, body, status: 0, authorization: req.headers.authorization };
    requests.push(record);
    const reply = (answer: Reply): void => {
      record.status = answer.status;
      send(res, answer);
    };

    if (!url.pathname.startsWith(`${basePath}/`)) {
      problems.push(`${record.method} ${url.pathname}: outside the API base path "${basePath}"`);
      return reply({ status: 404, body: { message: "Not Found" } });
    }
    const path = url.pathname.slice(basePath.length);
    const route = ROUTES.find((candidate) => candidate.method === record.method && candidate.regex.test(path));
    if (!route) {
      problems.push(`${record.method} ${path}: not an operation the stand-in serves`);
      return reply({ status: 404, body: { message: "Not Found" } });
    }
    record.operation = route.operation;
    const params = { ...route.regex.exec(path)?.groups };

    if (req.headers.authorization !== `token ${token}` && req.headers.authorization !== `Bearer ${token}`) {
      return reply({ status: 401, body: { message: "Bad credentials", documentation_url: "https://docs.github.com/rest", status: "401" } });
    }
    const invalid = [...parameterErrors(route.operation, "path", params), ...parameterErrors(route.operation, "query", query), ...requestBodyErrors(route.operation, body)];
    if (invalid.length > 0) {
      problems.push(`${route.operation}: request does not match GitHub's description:\n  ${invalid.join("\n  ")}\n  ${JSON.stringify(body)?.slice(0, 500)}`);
      return reply({ status: 422, body: { message: `Invalid request.\n\n${invalid.join("\n")}`, documentation_url: "https://docs.github.com/rest" } });
    }

    const fault = faults.get(route.operation)?.shift();
    if (fault && fault.kind !== "lost-response") return reply(faultReply(fault));
    const answer = HANDLERS[route.operation](world, params, query, body);
    const wrong = answer.status === 401 ? [] : responseErrors(route.operation, answer.status, answer.body);
    if (wrong.length > 0) problems.push(`${route.operation}: the stand-in's ${answer.status} does not match GitHub's description:\n  ${wrong.join("\n  ")}`);
    if (fault?.kind === "lost-response") {
      record.status = fault.as === "502" ? 502 : -1;
      if (fault.as === "reset") return void res.socket?.destroy();
      return reply({ status: 502, body: { message: "Server Error" } });
    }
    reply(answer);
  }

  function faultReply(fault: Exclude<Fault, { kind: "lost-response" }>): Reply {
    if (fault.kind === "status") return { status: fault.status, body: { message: "Server Error" } };
    const message = fault.kind === "secondary-rate-limit" ? SECONDARY_LIMIT_MESSAGE : fault.message;
    const body = { message, documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits", status: String(fault.status ?? 403) };
    const wrong = componentErrors("basic-error", body);
    if (wrong.length > 0) problems.push(`rate limit answer does not match basic-error: ${wrong.join("; ")}`);
    return { status: fault.status ?? 403, body, headers: { "retry-after": String(fault.retryAfter), "x-ratelimit-remaining": "4000", "x-ratelimit-limit": "5000" } };
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  world.site = { web: origin, api: `${origin}${basePath}` };

  return {
    apiUrl: `${origin}${basePath}`,
    requests,
    problems,
    pulls: (owner, repo) => repoState(world, owner, repo).pulls,
    labels: (owner, repo) => repoState(world, owner, repo).labels,
    comment: (owner, repo, issue, input) => addComment(world, owner, repo, issue, input),
    grant: (owner, repo, login, role) => void repoState(world, owner, repo).roles.set(login.toLowerCase(), role),
    count: (operation) => requests.filter((request) => request.operation === operation).length,
    fail(operation, fault, times = 1) {
      const queue = faults.get(operation) ?? [];
      for (let i = 0; i < times; i++) queue.push(fault);
      faults.set(operation, queue);
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, { "content-type": "application/json; charset=utf-8", ...reply.headers });
  res.end(JSON.stringify(reply.body));
}
