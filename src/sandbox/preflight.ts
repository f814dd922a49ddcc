import type { ProcessResult } from "../util/process.ts";
import { baseMountArgs, isolationArgs } from "./bubblewrap-args.ts";
import type { SandboxKind } from "./policy.ts";
import { bubblewrapMissing, explainBubblewrapFailure, sandboxExecFailure, unsupportedPlatform } from "./preflight-reasons.ts";

/** The sandbox that works here and what it can enforce, or why there is none. */
export type PreflightResult =
  | {
    kind: SandboxKind;
    /** bwrap may be given --disable-userns. */
    disableUserns: boolean;
    /** `maxProcesses` is enforced (the probe saw a fork refused). */
    processLimit: boolean;
    /** Weaknesses to log at start, each a sentence. */
    notes: string[];
  }
  | { kind: undefined; reason: string; hint: string };

export interface PreflightOptions {
  platform: NodeJS.Platform;
  /** Runs one probe; give it a timeout of a few seconds. */
  run: (file: string, args: string[]) => Promise<ProcessResult>;
  /** The bwrap executable. Default "bwrap". */
  bwrap?: string;
}

export const SANDBOX_EXEC = "/usr/bin/sandbox-exec";

/**
 * Finds out, by running it, whether an OS sandbox works on this machine: user namespaces
 * may be switched off, restricted by AppArmor, or refused inside a container.
 */
export async function preflightSandbox(options: PreflightOptions): Promise<PreflightResult> {
  if (options.platform === "linux") return preflightBubblewrap(options.run, options.bwrap ?? "bwrap");
  if (options.platform === "darwin") return preflightSandboxExec(options.run);
  return { kind: undefined, ...unsupportedPlatform(options.platform) };
}

async function preflightBubblewrap(run: PreflightOptions["run"], bwrap: string): Promise<PreflightResult> {
  const version = await run(bwrap, ["--version"]);
  if (version.spawnError !== undefined) return { kind: undefined, ...bubblewrapMissing(bwrap, version.spawnError) };
  const notes: string[] = [];
  let disableUserns = versionAtLeast(version.stdout, [0, 8]);
  if (!disableUserns) notes.push(`bubblewrap older than 0.8 (${version.stdout.trim()}) cannot stop a command from making user namespaces of its own; install 0.8 or later`);
  let probe = await run(bwrap, probeArgs(disableUserns, ["true"]));
  if (probe.exitCode !== 0 && disableUserns) {
    const without = await run(bwrap, probeArgs(false, ["true"]));
    if (without.exitCode === 0) {
      notes.push(`bubblewrap cannot stop a command from making user namespaces here (${firstLine(probe.stderr)})`);
      disableUserns = false;
    }
    probe = without;
  }
  if (probe.exitCode !== 0) return { kind: undefined, ...explainBubblewrapFailure(probe.stderr, probe.exitCode) };
  const processLimit = await probeProcessLimit(run, bwrap, disableUserns);
  if (processLimit !== true) notes.push(processLimit);
  return { kind: "bubblewrap", disableUserns, processLimit: processLimit === true, notes };
}

async function preflightSandboxExec(run: PreflightOptions["run"]): Promise<PreflightResult> {
  const probe = await run(SANDBOX_EXEC, ["-p", "(version 1)(allow default)", "--", "/usr/bin/true"]);
  if (probe.exitCode !== 0) return { kind: undefined, ...sandboxExecFailure(probe.stderr, probe.spawnError) };
  const notes = ["sandbox-exec cannot limit the number of processes: commands are bounded by wall time and killed with their process group"];
  return { kind: "sandbox-exec", disableUserns: false, processLimit: false, notes };
}

function probeArgs(disableUserns: boolean, argv: string[]): string[] {
  return [...baseMountArgs(), ...isolationArgs("none", disableUserns), "--clearenv", "--setenv", "PATH", "/usr/local/bin:/usr/bin:/bin", "--", ...argv];
}

/**
 * True when RLIMIT_NPROC holds in the sandbox and counts only the sandbox's processes, else
 * why not. `timeout` forks once: at a limit of 1 that fork must fail, at 4 it must not
 * (bwrap's init, timeout and its child are all there is). Linux before 5.14 counts all of
 * the user's processes, and no kernel counts the host's root.
 */
async function probeProcessLimit(run: PreflightOptions["run"], bwrap: string, disableUserns: boolean): Promise<true | string> {
  const limited = (n: number) => run(bwrap, probeArgs(disableUserns, ["prlimit", `--nproc=${n}`, "--", "timeout", "5", "true"]));
  const bounded = "commands may start any number of processes; each is still bounded by its wall time and killed with its process group";
  const one = await limited(1);
  if (one.exitCode === 0) {
    return `${bounded}: the kernel does not apply RLIMIT_NPROC to root. Run git-codex as a normal user, or cap the container or service (docker run --pids-limit, systemd TasksMax=)`;
  }
  if (/execvp prlimit/.test(one.stderr)) return `${bounded}: prlimit (util-linux) is not installed`;
  if (!/fork|Resource temporarily unavailable/i.test(one.stderr)) return `${bounded}: the process limit could not be checked (${firstLine(one.stderr)})`;
  const four = await limited(4);
  if (four.exitCode !== 0) return `${bounded}: this kernel counts all of the user's processes against the limit (Linux before 5.14), not the sandbox's alone`;
  return true;
}

function versionAtLeast(text: string, wanted: [number, number]): boolean {
  const match = /(\d+)\.(\d+)/.exec(text);
  if (!match) return false;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major > wanted[0] || (major === wanted[0] && minor >= wanted[1]);
}

function firstLine(text: string): string {
  return JSON.stringify((text.trim().split("\n")[0] ?? "").slice(0, 200));
}
