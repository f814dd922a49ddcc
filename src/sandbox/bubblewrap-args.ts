import { isAbsolute, normalize } from "node:path";
import { isStrictlyInside, type HiddenPath, type SandboxPolicy } from "./policy.ts";

/** What `bubblewrapArgs` needs to know of the host, read beforehand. */
export interface BubblewrapHost {
  /** The entries of `policy.hide` that exist (`findHidden`). */
  hidden: readonly HiddenPath[];
  /** bubblewrap 0.8 or later: a command may not make user namespaces of its own. */
  disableUserns: boolean;
}

/**
 * The arguments of `bwrap` that run `request.argv` under `policy`. Pure: the same policy,
 * request and host always give the same arguments.
 */
export function bubblewrapArgs(policy: SandboxPolicy, request: { argv: readonly string[]; cwd: string }, host: BubblewrapHost): string[] {
  for (const path of [policy.worktree, policy.home, policy.tmp, request.cwd, ...policy.readOnly]) assertAbsolute(path);
  return [
    ...mountArgs(policy, host.hidden),
    ...isolationArgs(policy.network, host.disableUserns),
    ...environmentArgs(policy.env),
    "--chdir", request.cwd,
    "--",
    ...processLimitPrefix(policy.maxProcesses),
    ...request.argv,
  ];
}

/**
 * Mounts, in the order that makes them right (a mount covers what came before it):
 * 1. the disk read-only; fresh /dev, /proc and an empty /tmp (before the binds: the task's
 *    folders may live in /tmp);
 * 2. the hidden paths, but not those a hidden folder already covers;
 * 3. the read-only repository paths (they may live in the hidden home), then the writable
 *    task folders, then the read-only paths inside a writable folder (the worktree's `.git`
 *    file), so each stays read-only and a worktree inside the git dir stays writable;
 * 4. the hidden paths inside an exposed folder again (~/.cargo/credentials.toml when
 *    ~/.cargo is exposed); a path both hidden and exposed by name stays exposed;
 * 5. last, the hidden folders' tmpfs made read-only, once every mount point is in it.
 */
export function mountArgs(policy: SandboxPolicy, hidden: readonly HiddenPath[]): string[] {
  const writable = [policy.worktree, policy.home, policy.tmp];
  const insideWritable = (path: string): boolean => writable.some((dir) => isStrictlyInside(path, dir));
  const exposed = [...policy.readOnly, ...writable];
  const hiddenDirs = hidden.filter((h) => h.kind === "dir").map((h) => h.path);
  const reHidden = hidden.filter((h) => exposed.some((dir) => isStrictlyInside(h.path, dir)));
  const firstHidden = hidden.filter((h) => !reHidden.includes(h) && !hiddenDirs.some((dir) => isStrictlyInside(h.path, dir)));
  return [
    ...baseMountArgs(),
    ...firstHidden.flatMap(hide),
    ...policy.readOnly.filter((path) => !insideWritable(path)).flatMap(readOnly),
    ...writable.flatMap((path) => ["--bind", path, path]),
    ...policy.readOnly.filter(insideWritable).flatMap(readOnly),
    ...reHidden.flatMap(hide),
    ...[...firstHidden, ...reHidden].filter((h) => h.kind === "dir").flatMap((h) => ["--remount-ro", h.path]),
  ];
}

/** The disk read-only, fresh /dev and /proc, an empty private /tmp. */
export function baseMountArgs(): string[] {
  return ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"];
}

/** Every namespace new (the network kept only for "all"), no capabilities, no way back. */
export function isolationArgs(network: SandboxPolicy["network"], disableUserns: boolean): string[] {
  return [
    "--unshare-all",
    // Explicit, so that root gets a user namespace too and --disable-userns has one to act on.
    "--unshare-user",
    ...(network === "all" ? ["--share-net"] : []),
    ...(disableUserns ? ["--disable-userns"] : []),
    "--die-with-parent",
    // setsid(): no TIOCSTI into the daemon's terminal.
    "--new-session",
    "--cap-drop", "ALL",
  ];
}

function environmentArgs(env: Record<string, string>): string[] {
  const args = ["--clearenv"];
  for (const [name, value] of Object.entries(env)) {
    if (name === "" || name.includes("=")) throw new Error(`invalid environment variable name for the sandbox: ${JSON.stringify(name)}`);
    args.push("--setenv", name, value);
  }
  return args;
}

/**
 * RLIMIT_NPROC set inside the sandbox's user namespace, where the kernel counts only the
 * processes of that namespace. It does not bind uid 0 of the host: see docs/sandbox.md.
 */
function processLimitPrefix(maxProcesses: number | undefined): string[] {
  if (maxProcesses === undefined) return [];
  if (!Number.isInteger(maxProcesses) || maxProcesses < 1) throw new Error(`maxProcesses must be a positive integer, not ${maxProcesses}`);
  return ["prlimit", `--nproc=${maxProcesses}`, "--"];
}

function readOnly(path: string): string[] {
  return ["--ro-bind", path, path];
}

function hide(entry: HiddenPath): string[] {
  return entry.kind === "dir" ? ["--tmpfs", entry.path] : ["--ro-bind", "/dev/null", entry.path];
}

function assertAbsolute(path: string): void {
  if (!isAbsolute(path) || normalize(path) !== path) {
    throw new Error(`sandbox paths must be absolute and normalised: ${JSON.stringify(path)}`);
  }
}
