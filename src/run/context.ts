import type { Logger } from "../util/logger.ts";
import type { Forge } from "../forge/forge.ts";
import type { Mutex } from "../util/mutex.ts";
import type { Redactor } from "../util/redact.ts";
import type { Git } from "../git/runner.ts";
import type { Identity } from "../git/commit.ts";
import type { RecordWriter } from "../git/state-ref.ts";
import type { Clock, CommandExecutor, ModelClient } from "../agent/types.ts";
import type { ResolvedSettings, TaskSettings, TrustPolicy } from "../tasks/types.ts";
import type { McpServerConfig } from "../tasks/types.ts";
import type { ImageGenerator } from "../agent/image-tool.ts";
import type { ModelCatalog } from "../agent/model-catalog.ts";
import type { DailySpend } from "./daily-spend.ts";

/** Everything a run needs from the outside world, built once at the top (src/cli). */
export interface Deps {
  env: Record<string, string | undefined>;
  clock: Clock;
  logger: Logger;
  redact: Redactor;
  host: string;
  pid: number;
  /** Creates the model client for a task's settings; throws a ConfigError when it cannot. */
  modelClient(settings: ResolvedSettings): ModelClient;
  /** The `image` tool's generator, with the model client's key and server; throws a ConfigError when it cannot be made. Absent = no image tool. */
  imageGenerator?(): ImageGenerator;
  /**
   * This machine's MCP servers ($XDG_CONFIG_HOME/git-codex/mcp.yml), offered to every task
   * under the task's own (the task wins by name); throws a ConfigError when that file is invalid.
   */
  userMcpServers?(): Readonly<Record<string, McpServerConfig>>;
  /**
   * The OS sandbox of this machine, found once by running it; rejects with a ConfigError
   * when none works and the user did not opt out (GIT_CODEX_SANDBOX=none).
   */
  sandbox(): Promise<SandboxChoice>;
  /** The executor for one task's agent and verify commands, inside the sandbox. */
  executor(request: ExecutorRequest): Promise<CommandExecutor>;
  /**
   * Prices and context windows: the built-in tables under this machine's models file
   * ($XDG_CONFIG_HOME/git-codex/models.json); throws a ConfigError when that file is invalid.
   * Absent = the built-in tables.
   */
  models?(): ModelCatalog;
  /** This machine's spending per UTC day and its cap (`--daily-usd`); absent = no cap. */
  dailySpend?: DailySpend;
  /** Called with live progress lines (a terminal), or undefined. */
  progress?: (taskId: string, line: string) => void;
  signal?: AbortSignal;
}

export interface SandboxChoice {
  kind: "bubblewrap" | "sandbox-exec" | "none";
  disableUserns: boolean;
  processLimit: boolean;
  notes: string[];
}

/** What one task's commands may touch: all paths absolute and real. */
export interface ExecutorRequest {
  worktree: string;
  home: string;
  tmp: string;
  /** The repository's git dirs: readable, never writable. */
  readOnly: string[];
  /** The task's network host list ([] = no network). */
  network: readonly string[];
}

/** Settings of one repository, from `git config codex.*`, flags and environment. */
export interface RepoSettings {
  remote: string;
  /** Watched branches; empty = the remote's default branch. */
  watch: string[];
  branchPrefix: string;
  bot: Identity;
  /** On a first run (no baseline yet), trailer commits newer than this many seconds count. */
  sinceSeconds: number;
  /** Environment overrides of the task file's defaults (GIT_CODEX_MODEL, GIT_CODEX_API). */
  envSettings: Partial<TaskSettings>;
  /** Where worktrees live, outside the user's checkout. */
  worktreeRoot: string;
  stateDir: string;
  /**
   * Whose commits may ask for tasks: `codex.trustAuthor` (repeatable) and
   * `codex.trustSigned`. Read from the clone's config, never from the pushed task file,
   * which whoever pushes controls. Default: any author, unsigned allowed.
   */
  trust: TrustPolicy;
  /**
   * `codex.prComments`: `@codex <instruction>` comments on the bot's open pull requests,
   * by users with write access, become follow-ups. Off (undefined) by default.
   */
  prComments?: boolean;
  /**
   * `codex.agentEnv` (repeatable): names of this machine's environment variables handed to
   * an external agent backend (`agent: codex`, e.g. OPENAI_API_KEY) and to nothing else:
   * never to the built-in loop's commands or a verify command. Absent = none.
   */
  agentEnv?: string[];
}

/** A repository being served: its git runner and settings. */
export interface RepoContext {
  git: Git;
  settings: RepoSettings;
  log: Logger;
  /** Where pull requests are opened, when the remote is on GitHub and a token is set. */
  forge?: { client: Forge; owner: string; repo: string };
  /** Why there is no forge, in words a person understands. */
  forgeNote?: string;
  /** Writes this repository's task records, remembering the last ones; made by the first write (src/run/records.ts). */
  records?: RecordWriter;
  /**
   * Serialises fetches and intakes with record-and-push steps of this repository; one
   * task's steps take it `shared`, keyed by the task's result branch, so two tasks'
   * steps overlap (src/util/mutex.ts, `taskLock` in src/run/lease.ts).
   */
  exclusive: Mutex;
}
