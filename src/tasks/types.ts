/** Plain data shared by the pure intake (src/tasks) and everything downstream. */

export type Api = "responses" | "chat";
export type PrMode = boolean | "draft";

export interface Budget {
  /** Model turns (requests) at most. */
  turns: number;
  /** Wall-clock minutes for the whole task, verification included. */
  minutes: number;
  /** Total tokens (input + output) at most; undefined = no token cap. */
  tokens?: number;
  /** Spend at most this many US dollars, per the price table; undefined = no cap. */
  usd?: number;
}

/** Settings a task may set for itself and `defaults:` may set for all tasks. */
export interface TaskSettings {
  model?: string;
  api?: Api;
  verify?: string;
  pr?: PrMode;
  budget?: Partial<Budget>;
  network?: string[];
  /** Globs of protected paths the result may change anyway (see src/run/write-scope.ts). */
  allow?: string[];
  /** The agent's working directory and the AGENTS.md chain's leaf, relative to the root ("" = the root). */
  workdir?: string;
  /** false: no repository memory in the instructions and no remember tool. */
  memory?: boolean;
  /** MCP servers (stdio) started in the sandbox, by name; merged with the defaults' by name. */
  mcp?: Record<string, McpServerConfig>;
  /** Optional agent tools, off unless listed (`tools:` in the file). */
  tools?: OptionalTool[];
  /** Model of the `image` tool (`image_model:` in the file). */
  imageModel?: string;
  /** Which agent does the work (`agent:`): the built-in loop, Codex CLI, or any command. */
  agent?: AgentSetting;
  /** Best-of-N: parallel attempts, 1 to 5 (`attempts:`). */
  attempts?: number;
}

/**
 * The agent backend: `builtin` (the loop in src/agent), `codex` (`codex exec --json`), or a
 * command run in the sandbox with the prompt on stdin, its stdout read as Codex JSON events
 * or as plain text (the final message).
 */
export type AgentSetting = "builtin" | "codex" | { command: string[]; format: "codex-json" | "text" };

/** One MCP server a task may use: its tools are offered to the model as `mcp__<name>__<tool>`. */
export interface McpServerConfig {
  /** Program and arguments, run without a shell inside the sandbox, in the worktree. */
  command: string[];
  /** Added to the sandbox's environment. Public in a task file: never put secrets there. */
  env?: Record<string, string>;
  /** Only these of the server's tools are offered; all of them when absent. */
  tools?: string[];
}

/** Agent tools a task may turn on besides the built-in ones and its MCP servers. */
export type OptionalTool = "web_fetch" | "image";

export interface FileTaskDefinition extends TaskSettings {
  prompt: string;
  schedule?: string;
}

export interface TaskFile {
  version: 1;
  defaults: TaskSettings;
  /** Only the tasks that validated; see ParseResult.invalidTasks for the others. */
  tasks: Record<string, FileTaskDefinition>;
}

/** One problem in user input, placed as precisely as the input allows. */
export interface Problem {
  /** One line, quoting the offending input (truncated). */
  message: string;
  /** Dotted path inside the document, e.g. `tasks.fix-bug.promt`. */
  path?: string;
  line?: number;
  column?: number;
  /** "Did you mean …" or what to do about it. */
  hint?: string;
}

export interface ParseResult {
  /** Undefined when the file as a whole is unusable (bad YAML root, wrong version, too big, binary). */
  file?: TaskFile;
  /** Problems that make the whole file unusable. */
  errors: Problem[];
  /** Per task key: problems that make just that task unusable. The other tasks still run. */
  invalidTasks: Record<string, Problem[]>;
  warnings: Problem[];
}

/** Settings after applying: task's own > environment > file defaults > built-ins. */
export interface ResolvedSettings {
  model: string;
  api: Api;
  verify?: string;
  pr: PrMode;
  budget: Budget;
  network: string[];
  /** Protected paths the result may change; empty = none. */
  allow: string[];
  /** The agent's working directory relative to the root; absent = the root. */
  workdir?: string;
  /** Present (false) only when the task turned the repository's memory off. */
  memory?: false;
  /** MCP servers of the task file (defaults merged under the task's own); absent = none. */
  mcp?: Record<string, McpServerConfig>;
  /** Optional tools turned on; absent = none. */
  tools?: OptionalTool[];
  /** Model of the `image` tool; absent = the built-in (gpt-image-1). */
  imageModel?: string;
  /** An external agent backend; absent = the built-in loop. */
  agent?: Exclude<AgentSetting, "builtin">;
  /** Best-of-N attempts, 2 to 5; absent = one attempt. */
  attempts?: number;
}

/** A commit as intake sees it: read by src/git, judged by src/tasks. */
export interface CommitRecord {
  sha: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  /** Committer date, unix seconds. */
  committedAt: number;
  subject: string;
  /** Values of `Codex:` trailers, as git's `%(trailers:key=Codex,valueonly,unfold)` reads them. */
  codexTrailers: string[];
  /** True when the commit carries a `Codex-Task:` trailer, i.e. it claims to be a bot result. */
  hasTaskTrailer: boolean;
  /** `Codex-Retry:` and `Codex-Cancel:` trailers: requests about existing tasks. */
  control?: { retry: string[]; cancel: string[] };
}

export interface Requester {
  sha: string;
  name: string;
  email: string;
}

/** A task ready to run: everything `run` needs, nothing it must look up. */
export interface TaskSpec {
  /** Name under refs/codex/tasks/; also what `git codex show` takes. */
  id: string;
  kind: "file" | "trailer";
  /** Task key of a file task. */
  key?: string;
  /** Definition hash (file tasks) or `<sha>:<index>` (trailer tasks). */
  hash: string;
  /** Result branch without refs/heads/, e.g. `codex/fix-bug`. */
  branch: string;
  /** Watched branch the task came from, without refs/heads/. */
  baseRef: string;
  /** Commit the agent starts from. */
  base: string;
  requester: Requester;
  prompt: string;
  settings: ResolvedSettings;
  /**
   * For a scheduled run of a file task: the fire time it stands for (ISO 8601, UTC). Absent
   * for the run a new version gets at once, and for trailer tasks.
   */
  scheduledFor?: string;
  /**
   * Set for a follow-up: a `Codex:` trailer on a commit pushed to a result branch. The
   * result is appended to that branch (`branch`), on top of its tip (`base`).
   */
  followUp?: { instruction: string; previousTask?: string };
}

/** A task (or the whole task file) that cannot run, to be recorded as `invalid`. */
export interface InvalidTask {
  id: string;
  key?: string;
  baseRef: string;
  base: string;
  problems: Problem[];
}

/** A task asked for by someone the trust policy does not accept: recorded as `refused`, never run. */
export interface RefusedTask {
  /** The id the task would have had. */
  id: string;
  key?: string;
  baseRef: string;
  base: string;
  requester: Requester;
  /** One line: why the requester is not trusted and what to do about it. */
  reason: string;
  prompt: string;
}

/** Whose tasks count, from the clone's git config (never from the pushed task file). */
export interface TrustPolicy {
  /** Author emails or globs (`*@example.com`); empty = any author. */
  authors: string[];
  /** Require a commit signature that `git verify-commit` accepts. */
  signed: boolean;
}

/** What `git verify-commit` said of a commit. */
export type SignatureStatus = "good" | "bad" | "none";

/**
 * What parseTaskFile returns: a ParseResult plus, for each invalid task, a hash of the task
 * entry as written, so that planning can give each invalid version a stable id.
 */
export interface TaskFileParse extends ParseResult {
  /** Per key of `invalidTasks`: sha256 hex of the entry's canonical JSON. */
  invalidTaskHashes: Record<string, string>;
}
