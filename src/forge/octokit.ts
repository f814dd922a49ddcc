/**
 * Octokit as git-codex configures it: the retry and throttling plugins bounded by one wait
 * policy, a deadline per HTTP attempt, and its log lines sent to our logger.
 */
import { Octokit } from "octokit";
import type { Logger } from "../util/logger.ts";
import { DO_NOT_RETRY, limitHandler, retryAfterHook, UNPACED_GROUP, type WaitLog, type WaitPolicy } from "./rate-limit.ts";

export interface ForgeClientOptions {
  token: string;
  /** https://api.github.com, or a GitHub Enterprise Server's https://host/api/v3. */
  apiUrl: string;
  fetch?: typeof fetch;
  log?: Logger;
  /** Milliseconds per second of waiting GitHub asks for (retry-after, back-off). Default 1000. */
  retryWaitMs?: number;
  /** Retries per kind of failure (5xx, rate limit). Default 3. */
  maxRetries?: number;
  /** Rate limits asking for a longer wait fail instead. Default 60 s. */
  maxWaitSeconds?: number;
  /** Space writes as GitHub asks (1 s apart, 3 s for ones that notify). Default true. */
  paceWrites?: boolean;
  /** One HTTP attempt may take this long. Default 30 s. */
  timeoutMs?: number;
}

export function createOctokit(options: ForgeClientOptions): Octokit {
  const log: WaitLog = options.log ?? { warn: () => undefined };
  const policy: WaitPolicy = { maxRetries: options.maxRetries ?? 3, maxWaitSeconds: options.maxWaitSeconds ?? 60, msPerSecond: options.retryWaitMs ?? 1000 };
  const octokit = new Octokit({
    auth: options.token,
    baseUrl: options.apiUrl.replace(/\/+$/, ""),
    userAgent: "git-codex",
    log: octokitLog(options.log),
    request: { fetch: withTimeout(options.fetch ?? globalThis.fetch, options.timeoutMs ?? 30_000) },
    retry: { retries: policy.maxRetries, retryAfterBaseValue: policy.msPerSecond, doNotRetry: DO_NOT_RETRY },
    throttle: {
      onRateLimit: limitHandler(policy, log, "rate limit exhausted"),
      onSecondaryRateLimit: limitHandler(policy, log, "secondary rate limit"),
      retryAfterBaseValue: policy.msPerSecond,
      ...(options.paceWrites === false ? { write: UNPACED_GROUP as never, notifications: UNPACED_GROUP as never } : {}),
    },
  });
  octokit.hook.wrap("request", retryAfterHook(policy, log));
  return octokit;
}

/** Each HTTP attempt gets its own deadline, so a retry is not born timed out. */
function withTimeout(base: typeof fetch, timeoutMs: number): typeof fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    return base(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout });
  };
}

/** Octokit's own messages (deprecations, plugin notes) into our logger, or nowhere: never to the console. */
function octokitLog(log: Logger | undefined) {
  const to = (level: "debug" | "info" | "warn" | "error") => (message: string) => log?.[level]({ source: "octokit" }, message);
  return { debug: to("debug"), info: to("info"), warn: to("warn"), error: to("error") };
}
