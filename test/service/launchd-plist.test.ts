import { describe, expect, it } from "vitest";
import { launchdPlist } from "../../src/service/launchd.ts";
import { readPlist } from "./plist-reader.ts";

const TRICKY_ARGS = ["watch", "--poll", "5m", "/Users/al ice/R&D <main>/repo", "/Users/x/\"quoted\" 'single'", "/Users/x/100%/$HOME", "/Users/x/]]>--", ""];
const base = { node: "/opt/node & co/bin/node", cli: "/Users/al ice/<git-codex>/bin/git-codex.js", args: TRICKY_ARGS, env: { PATH: "/opt/a&b:/usr/bin", HOME: "/Users/al ice" }, home: "/Users/al ice" };

describe("launchdPlist", () => {
  it("round-trips every program argument through XML escaping", () => {
    const plist = readPlist(launchdPlist(base)) as Record<string, unknown>;
    expect(plist.ProgramArguments).toEqual([base.node, base.cli, ...TRICKY_ARGS]);
  });

  it("escapes & and < so the file stays well-formed", () => {
    const xml = launchdPlist(base);
    expect(xml).toContain("<string>/Users/al ice/R&amp;D &lt;main&gt;/repo</string>");
    expect(xml).not.toMatch(/&(?!amp;|lt;|gt;|quot;|apos;)/);
  });

  it("is a keep-alive-on-failure agent with logs under ~/Library/Logs/git-codex", () => {
    const plist = readPlist(launchdPlist(base));
    expect(plist).toEqual({
      Label: "dev.git-codex.watch",
      ProgramArguments: [base.node, base.cli, ...TRICKY_ARGS],
      WorkingDirectory: "/Users/al ice",
      RunAtLoad: true,
      KeepAlive: { SuccessfulExit: false },
      ExitTimeOut: 60,
      StandardOutPath: "/Users/al ice/Library/Logs/git-codex/watch.out.log",
      StandardErrorPath: "/Users/al ice/Library/Logs/git-codex/watch.err.log",
      EnvironmentVariables: { PATH: "/opt/a&b:/usr/bin", HOME: "/Users/al ice" },
    });
  });

  it("takes another label and keeps a description with -- a valid comment", () => {
    const xml = launchdPlist({ ...base, label: "dev.example.other", description: "watch -- everything" });
    expect((readPlist(xml) as Record<string, unknown>).Label).toBe("dev.example.other");
  });

  it("says where secrets come from instead of holding them", () => {
    const xml = launchdPlist(base);
    expect(xml).toMatch(/<!--[\s\S]*OPENAI_API_KEY[\s\S]*\$XDG_CONFIG_HOME\/git-codex\/env[\s\S]*-->/);
    expect(() => launchdPlist({ ...base, env: { ...base.env, GITHUB_TOKEN: "ghp_x" } })).toThrow(/GITHUB_TOKEN/);
  });

  it("refuses a control character XML cannot carry", () => {
    expect(() => launchdPlist({ ...base, args: ["watch", "/a\u0001b"] })).toThrow(/control character/);
  });
});
