import { dirname } from "node:path";
import { isStrictlyInside, type SandboxPolicy } from "./policy.ts";

// macOS has no private /tmp to give: the shared temporary folders are hidden instead, and
// TMPDIR points at the task's own.
const SHARED_TEMP = ["/private/tmp", "/private/var/folders"];

// The essentials of a process on macOS, after Chromium's and sandbox-runtime's profiles.
const BASE = [
  "(allow process-exec)",
  "(allow process-fork)",
  "(allow process-info* (target same-sandbox))",
  "(allow signal (target same-sandbox))",
  "(allow mach-priv-task-port (target same-sandbox))",
  "(allow user-preference-read)",
  "(allow sysctl-read)",
  "(allow ipc-posix-shm)",
  "(allow ipc-posix-sem)",
  "(allow iokit-get-properties)",
  "(allow mach-lookup",
  ...[
    "com.apple.system.logger", "com.apple.system.notification_center", "com.apple.system.opendirectoryd.libinfo",
    "com.apple.system.opendirectoryd.membership", "com.apple.logd", "com.apple.bsd.dirhelper", "com.apple.SecurityServer",
    "com.apple.securityd.xpc", "com.apple.coreservices.launchservicesd", "com.apple.lsd.mapdb", "com.apple.FontObjectsServer",
    "com.apple.fonts", "com.apple.PowerManagement.control", "com.apple.distributed_notifications@Uv3",
  ].map((name) => `  (global-name ${quote(name)})`),
  ")",
  '(allow file-ioctl (literal "/dev/null") (literal "/dev/zero") (literal "/dev/random") (literal "/dev/urandom") (literal "/dev/tty") (literal "/dev/dtracehelper"))',
];

/**
 * A Seatbelt (SBPL) profile with the policy of the bubblewrap sandbox. Later rules win in
 * SBPL, so the order mirrors bubblewrap's mounts: read everything; not the hidden paths;
 * the task's folders and the repository again; hidden paths inside those again. Writes only
 * to the task's folders, never to the read-only paths inside them. No network unless "all".
 * Paths must be real: Seatbelt matches /private/var, not /var.
 */
export function sandboxExecProfile(policy: SandboxPolicy): string {
  const writable = [policy.worktree, policy.home, policy.tmp];
  const exposed = [...policy.readOnly, ...writable];
  const hidden = [...policy.hide, ...SHARED_TEMP];
  const reHidden = hidden.filter((path) => exposed.some((dir) => isStrictlyInside(path, dir)));
  const inWritable = (path: string): boolean => writable.some((dir) => isStrictlyInside(path, dir));
  return [
    "(version 1)",
    "(deny default)",
    ...BASE,
    "; Reading",
    "(allow file-read*)",
    rule("deny", "file-read*", hidden.map(subpath)),
    rule("allow", "file-read*", exposed.map(subpath)),
    rule("deny", "file-read*", reHidden.map(subpath)),
    // realpath() and getcwd() stat every folder on the way to the worktree.
    rule("allow", "file-read-metadata", ancestors(exposed).map(literal)),
    "; Writing",
    rule("allow", "file-write*", [...writable.map(subpath), ...["/dev/null", "/dev/zero", "/dev/tty", "/dev/dtracehelper"].map(literal), subpath("/dev/fd")]),
    rule("deny", "file-write*", [...policy.readOnly.filter(inWritable), ...reHidden].map(subpath)),
    "; Network",
    policy.network === "all" ? "(allow network*)" : "; none: denied by default",
    "",
  ].filter((line) => line !== "").join("\n") + "\n";
}

function rule(action: "allow" | "deny", operation: string, filters: string[]): string {
  if (filters.length === 0) return "";
  return [`(${action} ${operation}`, ...[...new Set(filters)].map((filter) => `  ${filter}`), ")"].join("\n");
}

function subpath(path: string): string {
  return `(subpath ${quote(path)})`;
}

function literal(path: string): string {
  return `(literal ${quote(path)})`;
}

/** Every folder above the given paths, "/" included. */
function ancestors(paths: readonly string[]): string[] {
  const found = new Set<string>();
  for (const path of paths) {
    for (let dir = dirname(path); !found.has(dir); dir = dirname(dir)) {
      found.add(dir);
      if (dir === "/") break;
    }
  }
  return [...found].sort();
}

/** An SBPL string literal. Control characters have no place in a path we sandbox. */
function quote(text: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(text)) throw new Error(`control character in a sandbox path: ${JSON.stringify(text)}`);
  return `"${text.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}
