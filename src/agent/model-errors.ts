import type { APIError } from "openai";

/** What the loop needs to know about a failed model request. */
export interface ModelFailure {
  retryable: boolean;
  kind: string;
  /** One line a user can act on. */
  message: string;
  /** The server asked us to wait this long before trying again. */
  retryAfterMs?: number;
}

interface ErrorRule {
  kind: string;
  retryable: boolean;
  matches(err: unknown): boolean;
  describe(err: unknown): string;
}

const CONTEXT_LENGTH = /context[_ ]length|context window|maximum context|too many tokens|prompt is too long/i;

/**
 * Whether `err` is of the openai package's error class `name`, read from its prototype
 * chain: importing the package for `instanceof` would load it (about 200 ms) in every
 * process that might run an agent, and its errors only exist once a request has loaded it.
 */
function isSdkError(err: unknown, name: string): boolean {
  const names = new Set<string>();
  for (let proto: unknown = err instanceof Error ? Object.getPrototypeOf(err) : null; proto; proto = Object.getPrototypeOf(proto)) {
    names.add((proto as { constructor?: { name?: string } }).constructor?.name ?? "");
  }
  return names.has(name) && names.has("OpenAIError");
}
const isApiError = (err: unknown): err is APIError => isSdkError(err, "APIError");

const status = (err: unknown): number | undefined => (isApiError(err) ? err.status : undefined);
const is = (...codes: number[]) => (err: unknown): boolean => codes.includes(status(err) ?? 0);
const hasCode = (err: unknown, name: string): boolean => isApiError(err) && (err.code === name || err.type === name);
const serverSays = (err: unknown): string => {
  if (!isApiError(err)) return err instanceof Error ? err.message : String(err);
  const body = err.error as { message?: unknown } | undefined;
  return typeof body?.message === "string" ? body.message : err.message;
};
const isContextLength = (err: unknown): boolean =>
  is(400, 413, 422)(err) && (hasCode(err, "context_length_exceeded") || CONTEXT_LENGTH.test(serverSays(err)));

/**
 * The model error table. First match wins, so the specific rules (quota before rate
 * limit, context length before bad request, timeout before connection) come first.
 */
const RULES: readonly ErrorRule[] = [
  { kind: "aborted", retryable: false, matches: (e) => isSdkError(e, "APIUserAbortError"),
    describe: () => "the model request was aborted" },
  { kind: "timeout", retryable: true, matches: (e) => isSdkError(e, "APIConnectionTimeoutError"),
    describe: () => "the model request timed out" },
  { kind: "connection", retryable: true, matches: (e) => isSdkError(e, "APIConnectionError"),
    describe: (e) => `could not reach the model server: ${causeOf(e)}; check OPENAI_BASE_URL and the network` },
  { kind: "quota", retryable: false, matches: (e) => is(429)(e) && hasCode(e, "insufficient_quota"),
    describe: (e) => `the API account has no quota left (429): ${serverSays(e)}; check the plan and billing` },
  { kind: "rate-limit", retryable: true, matches: is(429),
    describe: (e) => `rate limited by the model server (429): ${serverSays(e)}` },
  { kind: "context-length", retryable: false, matches: isContextLength,
    describe: (e) => `the conversation no longer fits the model's context window: ${serverSays(e)}` },
  { kind: "bad-request", retryable: false, matches: is(400, 422),
    describe: (e) => `the model server rejected the request (${status(e)}): ${serverSays(e)}` },
  { kind: "auth", retryable: false, matches: is(401),
    describe: (e) => `authentication failed (401): ${serverSays(e)}; check OPENAI_API_KEY` },
  { kind: "permission", retryable: false, matches: is(403),
    describe: (e) => `permission denied (403): ${serverSays(e)}; check that the API key may use this model` },
  { kind: "not-found", retryable: false, matches: is(404),
    describe: (e) => `model or endpoint not found (404): ${serverSays(e)}; check the model name / GIT_CODEX_MODEL and OPENAI_BASE_URL` },
  { kind: "request-timeout", retryable: true, matches: is(408),
    describe: (e) => `the model server timed out (408): ${serverSays(e)}` },
  { kind: "conflict", retryable: true, matches: is(409),
    describe: (e) => `the model server reported a conflict (409): ${serverSays(e)}` },
  { kind: "server", retryable: true, matches: (e) => (status(e) ?? 0) >= 500,
    describe: (e) => `the model server failed (${status(e)}): ${serverSays(e)}` },
];

/** Sorts any error thrown by a model request into the table above. */
export function classifyModelError(err: unknown, now: number = Date.now()): ModelFailure {
  const rule = RULES.find((candidate) => candidate.matches(err));
  if (!rule) {
    const http = status(err);
    const prefix = http === undefined ? "the model request failed" : `the model server answered ${http}`;
    return { retryable: false, kind: "unknown", message: `${prefix}: ${serverSays(err)}` };
  }
  const failure: ModelFailure = { retryable: rule.retryable, kind: rule.kind, message: rule.describe(err) };
  const wait = rule.retryable && isApiError(err) ? retryAfter(err.headers, now) : undefined;
  return wait === undefined ? failure : { ...failure, retryAfterMs: wait };
}

/** Reads `retry-after-ms` (OpenAI's) or `retry-after` (seconds or an HTTP date). */
export function retryAfter(headers: Headers | undefined, now: number): number | undefined {
  const ms = Number.parseFloat(headers?.get("retry-after-ms") ?? "");
  if (Number.isFinite(ms) && ms >= 0) return Math.round(ms);
  const raw = headers?.get("retry-after");
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function causeOf(err: unknown): string {
  const cause = err instanceof Error ? err.cause : undefined;
  if (cause instanceof Error) return cause.message;
  return err instanceof Error ? err.message : String(err);
}
