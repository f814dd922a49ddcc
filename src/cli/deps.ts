import { hostname } from "node:os";
import { setTimeout as delay } from "node:timers/promises";
import type { Clock } from "../agent/types.ts";
import { createOpenAIClient } from "../agent/openai-client.ts";
import type { ImageGenerator } from "../agent/image-tool.ts";
import { readUserMcp } from "./mcp-config.ts";
import { readModelCatalog } from "./models-file.ts";
import { xdgDir } from "./repo-settings.ts";
import { createDailySpend, parseDailyUsd, type DailySpend } from "../run/daily-spend.ts";
import { join } from "node:path";
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
  /** `--daily-usd`: wins over GIT_CODEX_DAILY_USD. */
  dailyUsd?: string;
  /** The system clock unless given (tests move the date). */
  clock?: Clock;
}

/** The key and server of the model client, also used by the image tool. */
function openAIAccess(env: Record<string, string | undefined>): { apiKey: string; baseURL?: string } {
  const apiKey = env.OPENAI_API_KEY;
  const baseURL = env.OPENAI_BASE_URL;
  if (!apiKey && !baseURL) {
    throw new ConfigError("OPENAI_API_KEY is not set", "export OPENAI_API_KEY=…, or point OPENAI_BASE_URL at an OpenAI-compatible server (Ollama, vLLM…); `git codex demo` runs offline without either");
  }
  // Local servers often need no key, but the client insists on one.
  return { apiKey: apiKey || "no-key", ...(baseURL ? { baseURL } : {}) };
}

/** The image tool's generator; its module (and the openai package) is loaded by the first picture asked for. */
function lazyImageGenerator(access: { apiKey: string; baseURL?: string }): ImageGenerator {
  let made: Promise<ImageGenerator> | undefined;
  return {
    async generate(request) {
      made ??= import("../agent/image-tool.ts").then(({ createOpenAIImageGenerator }) => createOpenAIImageGenerator(access));
      return (await made).generate(request);
    },
  };
}

/** The machine's daily cap, from `--daily-usd` or GIT_CODEX_DAILY_USD, with its ledger in the state dir; undefined when neither is set. */
function dailySpendOf(env: Record<string, string | undefined>, flag: string | undefined, clock: Clock, logger: Logger): DailySpend | undefined {
  const text = flag ?? (env.GIT_CODEX_DAILY_USD || undefined);
  if (text === undefined) return undefined;
  const capUsd = parseDailyUsd(text, flag === undefined ? "GIT_CODEX_DAILY_USD" : "--daily-usd");
  const dir = join(xdgDir(env, "state"), "spend");
  return createDailySpend({ dir, capUsd, clock, onUnreadable: (file, lines) => logger.warn({ file, lines }, "unreadable lines in the daily spending ledger are not counted") });
}

/** The one place where the outside world (environment, clock, host) becomes Deps. */
export function buildDeps(options: DepsOptions): Deps {
  const { env } = options;
  const userMcp = readUserMcp(env);
  const redact = createRedactor([...secretValues(env), ...userMcp.secrets]);
  const stream = options.logStream ?? process.stderr;
  const format = env.GIT_CODEX_LOG_FORMAT;
  const pretty = format === "pretty" || (format !== "json" && Boolean(stream.isTTY));
  const logger = options.logger ?? createLogger({ pretty, level: options.logLevel ?? env.GIT_CODEX_LOG_LEVEL ?? "info", redact, destination: stream, ...(options.logFile ? { file: options.logFile } : {}) });
  let sandbox: Promise<SandboxChoice> | undefined;
  const clock = options.clock ?? systemClock;
  const models = readModelCatalog(env);
  const dailySpend = dailySpendOf(env, options.dailyUsd, clock, logger);
  return {
    env,
    clock,
    logger,
    redact,
    host: hostname(),
    pid: process.pid,
    signal: options.signal,
    progress: options.progress,
    modelClient(settings) {
      return createOpenAIClient({ ...openAIAccess(env), api: settings.api });
    },
    imageGenerator: () => lazyImageGenerator(openAIAccess(env)),
    models() {
      if (models.error) throw models.error;
      return models.catalog;
    },
    ...(dailySpend ? { dailySpend } : {}),
    userMcpServers() {
      if (userMcp.error) throw userMcp.error;
      return userMcp.servers;
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
