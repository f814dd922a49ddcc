import { ConfigError } from "../run/errors.ts";
import { assertNoSecrets } from "./environment.ts";

/** What a service runs: the same for a systemd unit and a launchd agent. */
export interface ServiceSpec {
  /** Absolute path of the node binary. */
  node: string;
  /** Absolute path of bin/git-codex.js. */
  cli: string;
  /** Arguments after the script: ["watch", "--poll", "60s", "/repo"]. */
  args: string[];
  /** PATH, HOME, XDG_*: locations only, never secrets. */
  env: Record<string, string>;
  description?: string;
}

export interface SystemdUnitOptions extends ServiceSpec {
  /** Absolute path of the env file; omitted means `%h/.config/git-codex/env`. */
  envFile?: string;
}

const DEFAULT_DESCRIPTION = "git-codex watch: background coding agent";

/** A systemd user unit running `node cli args…`; pure. */
export function systemdUnit(opts: SystemdUnitOptions): string {
  assertNoSecrets(opts.env);
  const envFile = opts.envFile ?? "~/.config/git-codex/env";
  const execStart = [systemdExecutable(opts.node), ...[opts.cli, ...opts.args].map(systemdExecArgument)].join(" ");
  const environment = Object.entries(opts.env).map(([name, value]) => `Environment=${systemdQuote(`${name}=${value}`)}`);
  return [
    "# Written by `git codex service install`; remove it with `git codex service uninstall`.",
    "#",
    "# Secrets never go in this file (units are world-readable). Put OPENAI_API_KEY=... and any",
    "# other GIT_CODEX_*/OPENAI_* settings, one KEY=value a line, in the EnvironmentFile below:",
    `#   mkdir -p ${shellPath(dirnameOf(envFile))} && touch ${shellPath(envFile)} && chmod 600 ${shellPath(envFile)}`,
    "[Unit]",
    `Description=${singleLine(opts.description ?? DEFAULT_DESCRIPTION).replaceAll("%", "%%")}`,
    "",
    "[Service]",
    "Type=simple",
    `ExecStart=${execStart}`,
    "Restart=on-failure",
    "RestartSec=5",
    // SIGTERM to the daemon only: it stops its own agent process groups within its grace period.
    "KillMode=mixed",
    "KillSignal=SIGTERM",
    "# Longer than git-codex's own shutdown grace period, so systemd's SIGKILL is a last resort.",
    "TimeoutStopSec=60",
    ...environment,
    `EnvironmentFile=-${opts.envFile === undefined ? "%h/.config/git-codex/env" : opts.envFile.replaceAll("%", "%%")}`,
    "",
    "[Install]",
    "WantedBy=default.target",
    "",
  ].join("\n");
}

/**
 * ExecStart='s first word. systemd resolves specifiers in it but neither `$$` nor quotes,
 * backslashes or control characters (systemd-analyze: "Executable name contains special
 * characters"), so those cannot be escaped, only refused.
 */
export function systemdExecutable(path: string): string {
  if ([...path].some((char) => isControl(char) || `"'\\`.includes(char))) {
    throw new ConfigError(`systemd cannot start an executable whose path contains quotes, backslashes or control characters: ${JSON.stringify(path.slice(0, 120))}`, "install node under a plain path (or symlink it to one) and run the command with that node");
  }
  return systemdQuote(path);
}

/** One ExecStart= argument after the first: quoted, C-escaped, with `%` and `$` doubled so nothing is expanded. */
export function systemdExecArgument(value: string): string {
  return systemdQuote(value).replaceAll("$", () => "$$");
}

/**
 * A double-quoted systemd value (Environment=, ExecStart= words): backslash and quote
 * escaped C-style, control characters as \xNN, and `%` doubled because specifiers are
 * expanded even inside quotes.
 */
export function systemdQuote(value: string): string {
  let quoted = "";
  for (const char of value) {
    if (char === "\\" || char === '"') quoted += `\\${char}`;
    else if (char === "%") quoted += "%%";
    else if (isControl(char)) quoted += `\\x${(char.codePointAt(0) ?? 0).toString(16).padStart(2, "0")}`;
    else quoted += char;
  }
  return `"${quoted}"`;
}

function isControl(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f;
}

function singleLine(text: string): string {
  return [...text].map((char) => (isControl(char) ? " " : char)).join("").trim();
}

function dirnameOf(path: string): string {
  return path.slice(0, path.lastIndexOf("/")) || "/";
}

/** A path for the comment's shell line: `~/…` kept as is, anything else single-quoted. */
function shellPath(path: string): string {
  if (/^~\/[\w./-]*$/.test(path)) return path;
  return `'${singleLine(path).replaceAll("'", `'\\''`)}'`;
}
