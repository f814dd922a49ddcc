import { realpath, stat } from "node:fs/promises";
import { isAbsolute, join } from "node:path";

/** The OS sandboxes git-codex can run agent commands in. */
export type SandboxKind = "bubblewrap" | "sandbox-exec";

/**
 * What one task's commands may touch. Every path is absolute and real (no symlinks on the
 * way: bubblewrap mounts at the path as written, Seatbelt matches the resolved path).
 */
export interface SandboxPolicy {
  /** The task's worktree: writable. */
  worktree: string;
  /** Readable, never writable: the git common dir and the worktree's `.git` file. */
  readOnly: string[];
  /** The task's private home (writable); HOME inside. */
  home: string;
  /** The task's temporary folder (writable); TMPDIR inside. */
  tmp: string;
  /** Made unreadable: the user's home and credential paths (see `hiddenPaths`). */
  hide: string[];
  /** The complete environment of a command: an allow-list, already cleared. */
  env: Record<string, string>;
  network: "none" | "all";
  /** RLIMIT_NPROC inside the sandbox, where the kernel enforces it (not for root). */
  maxProcesses?: number;
}

/** One entry of `hide` as found on disk: a directory gets a tmpfs, anything else /dev/null. */
export interface HiddenPath {
  path: string;
  kind: "dir" | "file";
}

// Under the home folder; listed on their own so they stay hidden when a parent of theirs
// is exposed again (a toolchain folder such as ~/.cargo added to `readOnly`).
const HOME_CREDENTIALS = [
  ".ssh", ".aws", ".azure", ".config/gh", ".config/hub", ".config/gcloud", ".config/git/credentials",
  ".config/git-codex", ".netrc", ".npmrc", ".yarnrc.yml", ".pypirc", ".git-credentials", ".gnupg",
  ".docker", ".kube", ".cargo/credentials", ".cargo/credentials.toml", ".gem/credentials",
  ".m2/settings.xml", ".gradle/gradle.properties", ".terraform.d", ".codex",
];

// Variables that may point at credentials outside the home folder. The XDG folders hold
// git-codex's own env file, state and other tasks' worktrees too.
const CREDENTIAL_VARIABLES = [
  "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR", "SSH_AUTH_SOCK", "GNUPGHOME",
  "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "KUBECONFIG", "DOCKER_CONFIG", "NPM_CONFIG_USERCONFIG",
  "CARGO_HOME", "GH_CONFIG_DIR", "CLOUDSDK_CONFIG", "AZURE_CONFIG_DIR", "NETRC", "GIT_CONFIG_GLOBAL",
];

// Sockets that hand out root on the host; a read-only mount does not stop connect().
const HOST_SOCKETS = ["/run/docker.sock", "/var/run/docker.sock", "/run/podman", "/run/containerd", "/run/user"];

// Readable by uid 0 only, and a command of a daemon running as root is uid 0 too.
const ROOT_ONLY = ["/root", "/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/etc/ssh/ssh_host_rsa_key", "/etc/ssh/ssh_host_ecdsa_key", "/etc/ssh/ssh_host_ed25519_key", "/etc/ssh/ssh_host_dsa_key"];

/**
 * The paths a sandboxed command must not read: the user's home folder as a whole, the usual
 * credential files in it, credential paths that variables point elsewhere, the container
 * runtimes' sockets and, when running as root, what only root can read.
 */
export function hiddenPaths(input: { home: string; env: Record<string, string | undefined>; uid?: number }): string[] {
  const paths = [input.home, ...HOME_CREDENTIALS.map((name) => join(input.home, name)), ...HOST_SOCKETS];
  for (const name of CREDENTIAL_VARIABLES) {
    for (const value of (input.env[name] ?? "").split(":")) if (isAbsolute(value)) paths.push(value);
  }
  if (input.uid === 0) paths.push(...ROOT_ONLY);
  return [...new Set(paths)];
}

/**
 * Reads which of `paths` exist and whether each is a directory, following symlinks so the
 * mount lands on the target (`/var/run` is a link to `/run`). Missing paths are left out:
 * there is nothing to read, and bubblewrap cannot mount over nothing on a read-only root.
 */
export async function findHidden(paths: readonly string[]): Promise<HiddenPath[]> {
  const found = new Map<string, HiddenPath>();
  for (const path of paths) {
    try {
      const real = await realpath(path);
      found.set(real, { path: real, kind: (await stat(real)).isDirectory() ? "dir" : "file" });
    } catch {
      // Not there, or not ours to see: nothing to hide.
    }
  }
  return [...found.values()];
}

/** True when `path` is strictly inside `dir`. Both absolute and normalised. */
export function isStrictlyInside(path: string, dir: string): boolean {
  return path.startsWith(dir.endsWith("/") ? dir : `${dir}/`) && path !== dir;
}
