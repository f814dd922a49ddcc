import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findHidden, hiddenPaths } from "../../src/sandbox/policy.ts";

describe("hiddenPaths", () => {
  it("hides the home folder, the usual credentials in it and the container sockets", () => {
    const paths = hiddenPaths({ home: "/home/ada", env: {} });
    for (const path of ["/home/ada", "/home/ada/.ssh", "/home/ada/.aws", "/home/ada/.config/gh", "/home/ada/.netrc", "/home/ada/.npmrc", "/var/run/docker.sock"]) {
      expect(paths).toContain(path);
    }
    expect(paths).not.toContain("/etc/shadow");
  });

  it("follows variables that put credentials elsewhere, each entry of a list", () => {
    const paths = hiddenPaths({ home: "/home/ada", env: { XDG_CONFIG_HOME: "/cfg", KUBECONFIG: "/k/a:/k/b", AWS_CONFIG_FILE: "relative/ignored" } });
    expect(paths).toEqual(expect.arrayContaining(["/cfg", "/k/a", "/k/b"]));
    expect(paths).not.toContain("relative/ignored");
  });

  it("hides what only root may read when running as root", () => {
    expect(hiddenPaths({ home: "/root", env: {}, uid: 0 })).toEqual(expect.arrayContaining(["/root", "/etc/shadow"]));
  });
});

describe("findHidden", () => {
  it("keeps what exists, tells folders from files and resolves symlinks", async () => {
    const dir = await realpath(await mkdtemp(join(tmpdir(), "git-codex-hidden-")));
    try {
      await mkdir(join(dir, ".ssh"));
      await writeFile(join(dir, ".netrc"), "x");
      await symlink(join(dir, ".ssh"), join(dir, "link"));
      const found = await findHidden([join(dir, ".ssh"), join(dir, ".netrc"), join(dir, "missing"), join(dir, "link")]);
      expect(found).toEqual([{ path: join(dir, ".ssh"), kind: "dir" }, { path: join(dir, ".netrc"), kind: "file" }]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
