import { hostname } from "node:os";
import { setTimeout as delay } from "node:timers/promises";
import type { Clock } from "../agent/types.ts";
import { createOpenAIClient } from "../agent/openai-client.ts";
import { ConfigError } from "../run/errors.ts";
import type { Deps, SandboxChoice } from "../run/context.ts";
import { chooseSandbox, executorFor } from "./sandbox-choice.ts";
import { createLogger } from "../util/logger.ts";
import { createRedactor, secretValues } from "../util/redact.ts";
import type { Logger } from "../util/logger.ts";

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    await delay(ms, undefined, signal ? { signal } : undefined);
  },
};

export interface DepsOptions {
  env: Record<string, string | undefined>;
  logLevel?: string;
  signal?: AbortSignal;
  progress?: Deps["progress"];
  logger?: Logger;
  /** Where logs go (stderr). */
  logStream?: NodeJS.WriteStream;
  /** Also log JSON lines to this file stream (the daemon). */
  logFile?: NodeJS.WritableStream;
}

/** The one place where the outside world (environment, clock, host) becomes Deps. */
export function buildDeps(options: DepsOptions): Deps {
  const { env } = options;
  const redact = createRedactor(secretValues(env));
  const stream = options.logStream ?? process.stderr;
  const format = env.GIT_CODEX_LOG_FORMAT;
  const pretty = format === "pretty" || (format !== "json" && Boolean(stream.isTTY));
  const logger = options.logger ?? createLogger({ pretty, level: options.logLevel ?? env.GIT_CODEX_LOG_LEVEL ?? "info", redact, destination: stream, ...(options.logFile ? { file: options.logFile } : {}) });
  let sandbox: Promise<SandboxChoice> | undefined;
  return {
    env,
    clock: systemClock,
    logger,
    redact,
    host: hostname(),
    pid: process.pid,
    signal: options.signal,
    progress: options.progress,
    modelClient(settings) {
      const apiKey = env.OPENAI_API_KEY;
      const baseURL = env.OPENAI_BASE_URL;
      if (!apiKey && !baseURL) {
        throw new ConfigError("OPENAI_API_KEY is not set", "export OPENAI_API_KEY=…, or point OPENAI_BASE_URL at an OpenAI-compatible server (Ollama, vLLM…); `git codex demo` runs offline without either");
      }
      // Local servers often need no key, but the client insists on one.
      return createOpenAIClient({ apiKey: apiKey || "no-key", ...(baseURL ? { baseURL } : {}), api: settings.api });
    },
    sandbox() {
      sandbox ??= chooseSandbox(env).then((choice) => {
        for (const note of choice.notes) logger.warn(note);
        return choice;
      });
      return sandbox;
    },
    async executor(request) {
      return executorFor(await this.sandbox(), env, request);
    },
  };
}
