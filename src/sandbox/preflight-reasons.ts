/** Why bubblewrap could not start, and what a person can do about it. */
export interface SandboxProblem {
  reason: string;
  hint: string;
}

const OPT_OUT = "or, to run agent commands without an OS sandbox, set `sandbox: none` (it is logged and recorded in every result)";

export function bubblewrapMissing(bwrap: string, spawnError: string): SandboxProblem {
  return {
    reason: `bubblewrap is not installed (${bwrap}: ${spawnError})`,
    hint: `install it: apt-get install bubblewrap (Debian, Ubuntu), dnf install bubblewrap (Fedora), pacman -S bubblewrap (Arch); ${OPT_OUT}`,
  };
}

const KNOWN: { pattern: RegExp; hint: string }[] = [
  {
    // Ubuntu 23.10+ and 24.04: AppArmor lets unshare() through but strips the namespace's capabilities.
    pattern: /setting up uid map: Permission denied|uid_map.*Permission denied/i,
    hint: "AppArmor restricts unprivileged user namespaces (Ubuntu 23.10 and later): run `sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0` and keep it in /etc/sysctl.d/, or give /usr/bin/bwrap an AppArmor profile that allows `userns`",
  },
  {
    pattern: /setting up uid map: Operation not permitted/i,
    hint: "running as root without CAP_SETFCAP (a tightened container or service): give the process CAP_SETFCAP, or run git-codex as a normal user",
  },
  {
    pattern: /No permissions to creat\w* new namespace/i,
    hint: "the kernel does not allow unprivileged user namespaces: run `sudo sysctl -w kernel.unprivileged_userns_clone=1` (Debian before 11, older Ubuntu) and keep it in /etc/sysctl.d/",
  },
  {
    pattern: /No space left on device/i,
    hint: "user namespaces are switched off: run `sudo sysctl -w user.max_user_namespaces=15000` and keep it in /etc/sysctl.d/",
  },
  {
    pattern: /Creating new namespace failed|Operation not permitted|Can't mount proc/i,
    hint: "new namespaces are refused, as in a Docker container with the default seccomp profile: run the container with `--security-opt seccomp=unconfined --security-opt apparmor=unconfined` (or `--privileged`), or run git-codex outside it",
  },
  {
    pattern: /Unknown option/i,
    hint: "this bubblewrap is too old: install 0.4 or later (0.8 or later also blocks nested user namespaces)",
  },
];

/** Turns bwrap's stderr into a reason that quotes it and a hint that says what to do. */
export function explainBubblewrapFailure(stderr: string, exitCode: number | null): SandboxProblem {
  const said = stderr.trim().split("\n").find((line) => line.trim() !== "") ?? `exit code ${exitCode}`;
  const known = KNOWN.find(({ pattern }) => pattern.test(stderr));
  return {
    reason: `bubblewrap cannot create a sandbox here: ${JSON.stringify(said.slice(0, 200))}`,
    hint: `${known?.hint ?? "check that bubblewrap works: `bwrap --unshare-all --ro-bind / / --dev /dev --proc /proc -- true`"}; ${OPT_OUT}`,
  };
}

export function sandboxExecFailure(stderr: string, spawnError: string | undefined): SandboxProblem {
  const said = spawnError ?? (stderr.trim().split("\n")[0] || "it failed");
  return {
    reason: `sandbox-exec cannot run a command here: ${JSON.stringify(said.slice(0, 200))}`,
    hint: `sandbox-exec ships with macOS at /usr/bin/sandbox-exec; inside another sandbox (an app's, a CI runner's) it cannot nest; ${OPT_OUT}`,
  };
}

export function unsupportedPlatform(platform: string): SandboxProblem {
  return {
    reason: `no OS sandbox is available on ${platform} (git-codex uses bubblewrap on Linux and sandbox-exec on macOS)`,
    hint: `run git-codex on Linux or macOS, ${OPT_OUT}`,
  };
}
