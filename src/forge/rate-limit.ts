/**
 * How the client waits for GitHub. The throttling plugin handles GitHub's documented limits
 * (a 403/429 saying "secondary rate limit", or an exhausted quota); the retry plugin retries
 * 5xx answers and network failures. This adds the one case they leave out: a 403/429 with
 * `retry-after` but another message, as older GitHub Enterprise servers send ("abuse
 * detection"). Every wait is bounded in count and length: a task is not held for an hour.
 */
import { setTimeout as sleep } from "node:timers/promises";

export interface WaitPolicy {
  /** Retries after the first attempt, per kind of failure. */
  maxRetries: number;
  /** A limit that asks for a longer wait than this is not waited out: the request fails. */
  maxWaitSeconds: number;
  /** Milliseconds per second that GitHub asks to wait (1000; tests make it small). */
  msPerSecond: number;
}

export interface WaitLog {
  warn(data: Record<string, unknown>, message: string): void;
}

/** The throttling plugin's handlers: retry while the count and the wait are within bounds. */
export function limitHandler(policy: WaitPolicy, log: WaitLog, kind: string) {
  return (retryAfter: number, options: { method: string; url: string }, _octokit: unknown, retryCount: number): boolean => {
    const retry = retryCount < policy.maxRetries && retryAfter <= policy.maxWaitSeconds;
    log.warn({ method: options.method, url: options.url, retryAfter, retryCount, retry }, `GitHub ${kind}`);
    return retry;
  };
}

/** Statuses the retry plugin leaves alone: client errors, and 429, which is the throttling's. */
export const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451];

interface LimitedError {
  status?: unknown;
  message?: unknown;
  response?: { headers?: Record<string, unknown> };
}

/** Seconds to wait for a 403/429 with retry-after that the throttling plugin did not recognise. */
export function unrecognisedRetryAfter(error: unknown): number | undefined {
  const shape = (error ?? {}) as LimitedError;
  if (shape.status !== 403 && shape.status !== 429) return undefined;
  if (typeof shape.message === "string" && /\bsecondary rate\b/i.test(shape.message)) return undefined;
  // An exhausted quota is the throttling plugin's too, whatever else the answer carries.
  if (shape.response?.headers?.["x-ratelimit-remaining"] === "0") return undefined;
  const header = shape.response?.headers?.["retry-after"];
  const seconds = Number(header);
  return header !== undefined && Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

type Request<O, R> = (options: O) => R | Promise<R>;

/** A request hook (outermost) that waits out an unrecognised retry-after, within the policy. */
export function retryAfterHook(policy: WaitPolicy, log: WaitLog) {
  return async <O extends { method: string; url: string }, R>(request: Request<O, R>, options: O): Promise<R> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(options);
      } catch (error) {
        const seconds = unrecognisedRetryAfter(error);
        if (seconds === undefined || attempt >= policy.maxRetries || seconds > policy.maxWaitSeconds) throw error;
        log.warn({ method: options.method, url: options.url, retryAfter: seconds, retryCount: attempt }, "GitHub asked to retry later");
        await sleep(seconds * policy.msPerSecond);
      }
    }
  };
}

/**
 * Stands in for the throttling plugin's write queues when pacing is off. GitHub asks
 * clients to leave a second between writes (three for ones that notify people); against a
 * local stand-in that only slows the tests.
 */
export const UNPACED_GROUP = {
  key: () => ({ schedule: <A extends unknown[], T>(_options: unknown, job: (...args: A) => Promise<T>, ...args: A): Promise<T> => job(...args) }),
};
