import { assertNoSecrets } from "./environment.ts";
import { LAUNCHD_LABEL } from "./paths.ts";
import type { ServiceSpec } from "./systemd.ts";

export interface LaunchdPlistOptions extends ServiceSpec {
  /** Defaults to `dev.git-codex.watch`. */
  label?: string;
  /** The user's home: working directory, and ~/Library/Logs/git-codex/ for the logs. */
  home: string;
}

/** A launchd user agent (~/Library/LaunchAgents) running `node cli args…`; pure. */
export function launchdPlist(opts: LaunchdPlistOptions): string {
  assertNoSecrets(opts.env);
  const logDir = `${opts.home.replace(/\/+$/, "")}/Library/Logs/git-codex`;
  const env = Object.entries(opts.env).flatMap(([name, value]) => [`      <key>${xmlEscape(name)}</key>`, `      <string>${xmlEscape(value)}</string>`]);
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">`,
    "<!-- Written by `git codex service install`; remove it with `git codex service uninstall`.",
    "     No secrets belong here. git-codex reads OPENAI_API_KEY=... (and other KEY=value",
    "     settings) itself from $XDG_CONFIG_HOME/git-codex/env, by default",
    "     ~/.config/git-codex/env; keep that file chmod 600. -->",
    `<plist version="1.0">`,
    "  <dict>",
    ...keyString("Label", opts.label ?? LAUNCHD_LABEL),
    ...(opts.description ? [`    <!-- ${commentText(opts.description)} -->`] : []),
    "    <key>ProgramArguments</key>",
    "    <array>",
    ...[opts.node, opts.cli, ...opts.args].map((arg) => `      <string>${xmlEscape(arg)}</string>`),
    "    </array>",
    ...keyString("WorkingDirectory", opts.home),
    "    <key>RunAtLoad</key>",
    "    <true/>",
    "    <!-- Restarted after a crash, not after a clean exit. -->",
    "    <key>KeepAlive</key>",
    "    <dict>",
    "      <key>SuccessfulExit</key>",
    "      <false/>",
    "    </dict>",
    "    <!-- Seconds between SIGTERM and SIGKILL; longer than git-codex's own grace period. -->",
    "    <key>ExitTimeOut</key>",
    "    <integer>60</integer>",
    ...keyString("StandardOutPath", `${logDir}/watch.out.log`),
    ...keyString("StandardErrorPath", `${logDir}/watch.err.log`),
    "    <key>EnvironmentVariables</key>",
    "    <dict>",
    ...env,
    "    </dict>",
    "  </dict>",
    "</plist>",
    "",
  ].join("\n");
}

function keyString(key: string, value: string): string[] {
  return [`    <key>${key}</key>`, `    <string>${xmlEscape(value)}</string>`];
}

/**
 * Text content for XML. Characters XML 1.0 cannot carry at all (most control characters)
 * are refused rather than silently changed, since they would change the argument.
 */
export function xmlEscape(value: string): string {
  let escaped = "";
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x20 && char !== "\t" && char !== "\n" && char !== "\r") throw new Error(`cannot write control character 0x${code.toString(16)} into a plist: ${JSON.stringify(value.slice(0, 80))}`);
    escaped += XML_ENTITIES[char] ?? char;
  }
  return escaped;
}

const XML_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;", "\r": "&#13;" };

/** XML comments may not contain `--` nor end with `-`. */
function commentText(text: string): string {
  return xmlEscape(text.replace(/[\r\n\t]+/g, " ")).replace(/-(?=-)/g, "- ").replace(/-$/, "- ");
}
