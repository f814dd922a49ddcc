import { describe, expect, it } from "vitest";
import { sandboxExecProfile } from "../../src/sandbox/sandbox-exec.ts";
import type { SandboxPolicy } from "../../src/sandbox/policy.ts";

// Only the profile text is tested: there is no macOS here to run sandbox-exec on.
const userHome = "/Users/ada";
const slot = `${userHome}/Library/Caches/git-codex/worktrees/k/t1`;
const policy: SandboxPolicy = {
  worktree: `${slot}/worktree`,
  readOnly: [`${userHome}/src/repo/.git`, `${slot}/worktree/.git`],
  home: `${slot}/home`,
  tmp: `${slot}/tmp`,
  hide: [userHome, `${userHome}/.ssh`, `${slot}/worktree/.env`],
  env: {},
  network: "none",
};

/** The body of the first `(action operation …)` rule that mentions `path`, after `from`. */
function ruleIndex(profile: string, head: string, path: string, from = 0): number {
  const start = profile.indexOf(`(${head}`, from);
  for (let i = start; i >= 0; i = profile.indexOf(`(${head}`, i + 1)) {
    const end = profile.indexOf("\n)", i);
    if (profile.slice(i, end).includes(`"${path}"`)) return i;
  }
  throw new Error(`no (${head} …) rule with ${path}`);
}

describe("sandboxExecProfile", () => {
  const profile = sandboxExecProfile(policy);

  it("denies by default and allows what every process needs", () => {
    expect(profile.startsWith("(version 1)\n(deny default)\n")).toBe(true);
    expect(profile).toContain("(allow process-exec)");
    expect(profile).toContain("(allow process-fork)");
  });

  it("reads everything, then denies the hidden paths, then allows the task's folders and the repository again", () => {
    const readAll = profile.indexOf("(allow file-read*)\n");
    const deny = ruleIndex(profile, "deny file-read*", userHome);
    const allow = ruleIndex(profile, "allow file-read*", `${userHome}/src/repo/.git`);
    expect(readAll).toBeGreaterThan(0);
    expect(readAll).toBeLessThan(deny);
    expect(deny).toBeLessThan(allow);
    expect(ruleIndex(profile, "allow file-read*", policy.worktree)).toBe(allow);
  });

  it("hides a hidden path inside the worktree again, last", () => {
    const allow = ruleIndex(profile, "allow file-read*", policy.worktree);
    expect(ruleIndex(profile, "deny file-read*", `${slot}/worktree/.env`, allow)).toBeGreaterThan(allow);
  });

  it("hides the shared temporary folders: macOS has no private /tmp", () => {
    expect(ruleIndex(profile, "deny file-read*", "/private/tmp")).toBeGreaterThan(0);
    expect(ruleIndex(profile, "deny file-read*", "/private/var/folders")).toBeGreaterThan(0);
  });

  it("lets realpath() stat the folders above the worktree, and only those", () => {
    const metadata = ruleIndex(profile, "allow file-read-metadata", userHome);
    const body = profile.slice(metadata, profile.indexOf("\n)", metadata));
    expect(body).toContain('(literal "/Users")');
    expect(body).not.toContain(`"${userHome}/.ssh"`);
  });

  it("writes only to the worktree, the task's home and tmp, never to the .git file inside", () => {
    const write = ruleIndex(profile, "allow file-write*", policy.worktree);
    const body = profile.slice(write, profile.indexOf("\n)", write));
    expect(body).toContain(`(subpath "${policy.home}")`);
    expect(body).toContain(`(subpath "${policy.tmp}")`);
    expect(body).not.toContain(`"${userHome}/src/repo/.git"`);
    expect(ruleIndex(profile, "deny file-write*", `${slot}/worktree/.git`)).toBeGreaterThan(write);
  });

  it("has no network unless it is 'all'", () => {
    expect(profile).not.toContain("(allow network");
    expect(sandboxExecProfile({ ...policy, network: "all" })).toContain("(allow network*)");
  });

  it("quotes paths as SBPL strings and refuses control characters", () => {
    const odd = sandboxExecProfile({ ...policy, worktree: '/Users/ada/a "b" \\c' });
    expect(odd).toContain('(subpath "/Users/ada/a \\"b\\" \\\\c")');
    expect(() => sandboxExecProfile({ ...policy, worktree: "/Users/ada/a\nb" })).toThrow(/control character/);
  });
});
