import { describe, expect, it } from "vitest";
import { bubblewrapArgs } from "../../src/sandbox/bubblewrap.ts";
import type { HiddenPath, SandboxPolicy } from "../../src/sandbox/policy.ts";

const userHome = "/home/ada";
const slot = `${userHome}/.cache/git-codex/worktrees/k/t1`;
const policy: SandboxPolicy = {
  worktree: `${slot}/worktree`,
  readOnly: [`${userHome}/src/repo/.git`, `${slot}/worktree/.git`],
  home: `${slot}/home`,
  tmp: `${slot}/tmp`,
  hide: [],
  env: { PATH: "/usr/bin:/bin", HOME: `${slot}/home` },
  network: "none",
};
const hidden: HiddenPath[] = [
  { path: userHome, kind: "dir" },
  { path: `${userHome}/.ssh`, kind: "dir" },
  { path: "/etc/shadow", kind: "file" },
];
const request = { argv: ["sh", "-c", "echo 'a b'"], cwd: `${slot}/worktree/sub` };
const args = (p: Partial<SandboxPolicy> = {}, h: HiddenPath[] = hidden) => bubblewrapArgs({ ...policy, ...p }, request, { hidden: h, disableUserns: true });

/** Index of the option `flag` whose operands start with `operand`. */
function at(list: string[], flag: string, operand: string): number {
  const index = list.findIndex((arg, i) => arg === flag && list[i + 1] === operand);
  expect(index, `${flag} ${operand}`).toBeGreaterThanOrEqual(0);
  return index;
}

describe("bubblewrapArgs", () => {
  it("mounts in order: disk, /tmp, hidden, read-only repo, writable task folders, .git file again", () => {
    const a = args();
    const order = [
      at(a, "--ro-bind", "/"),
      at(a, "--tmpfs", "/tmp"),
      at(a, "--tmpfs", userHome),
      at(a, "--ro-bind", policy.readOnly[0]!),
      at(a, "--bind", policy.worktree),
      at(a, "--bind", policy.home),
      at(a, "--bind", policy.tmp),
      at(a, "--ro-bind", policy.readOnly[1]!),
      at(a, "--remount-ro", userHome),
    ];
    expect(order).toEqual([...order].sort((x, y) => x - y));
  });

  it("binds the .git file inside the worktree only after the worktree", () => {
    const a = args();
    expect(a.filter((arg) => arg === policy.readOnly[1])).toHaveLength(2);
  });

  it("hides directories with a tmpfs and files with /dev/null, skipping what a hidden folder covers", () => {
    const a = args();
    expect(a).toContain("/etc/shadow");
    expect(a[at(a, "--ro-bind", "/dev/null") + 2]).toBe("/etc/shadow");
    expect(a).not.toContain(`${userHome}/.ssh`);
  });

  it("hides a credential path again inside an exposed folder, after the bind", () => {
    const cargo = `${userHome}/.cargo`;
    const a = args({ readOnly: [...policy.readOnly, cargo] }, [...hidden, { path: `${cargo}/credentials.toml`, kind: "file" }]);
    expect(at(a, "--ro-bind", cargo)).toBeLessThan(a.indexOf(`${cargo}/credentials.toml`));
  });

  it("isolates everything, keeps the network only for 'all', and drops every capability", () => {
    const a = args();
    for (const flag of ["--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent", "--new-session"]) expect(a).toContain(flag);
    expect(a[a.indexOf("--cap-drop") + 1]).toBe("ALL");
    expect(a).not.toContain("--share-net");
    expect(args({ network: "all" })).toContain("--share-net");
  });

  it("clears the environment and sets exactly the allowed variables", () => {
    const a = args();
    const cleared = a.indexOf("--clearenv");
    expect(cleared).toBeGreaterThan(0);
    expect(a.slice(cleared + 1, cleared + 7)).toEqual(["--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", policy.home]);
    expect(a.filter((arg) => arg === "--setenv")).toHaveLength(2);
  });

  it("ends with chdir, -- and the argv untouched", () => {
    const a = args();
    expect(a.slice(-6)).toEqual(["--chdir", request.cwd, "--", ...request.argv]);
  });

  it("puts prlimit before the command when maxProcesses is set", () => {
    expect(args({ maxProcesses: 32 }).slice(-7)).toEqual(["--", "prlimit", "--nproc=32", "--", ...request.argv]);
    expect(() => args({ maxProcesses: 0 })).toThrow(/positive integer/);
  });

  it("rejects relative paths and variable names bwrap cannot set", () => {
    expect(() => args({ worktree: "worktree" })).toThrow(/absolute/);
    expect(() => args({ env: { "A=B": "x" } })).toThrow(/environment variable name/);
  });
});
