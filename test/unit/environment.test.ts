import { describe, expect, it } from "vitest";
import { agentEnvironment } from "../../src/sandbox/environment.ts";

const paths = { home: "/tasks/t1/home", tmp: "/tasks/t1/tmp" };

describe("agentEnvironment", () => {
  it("keeps allow-listed variables such as PATH and LANG", () => {
    const env = agentEnvironment({ PATH: "/opt/bin:/usr/bin", LANG: "C.UTF-8" }, paths);
    expect(env).toMatchObject({ PATH: "/opt/bin:/usr/bin", LANG: "C.UTF-8" });
  });

  it("drops secrets and every variable that is not allow-listed", () => {
    const env = agentEnvironment({ PATH: "/usr/bin", OPENAI_API_KEY: "sk-x", GITHUB_TOKEN: "ghp-x", AWS_REGION: "eu-west-1", NODE_OPTIONS: "--require x" }, paths);
    for (const name of ["OPENAI_API_KEY", "GITHUB_TOKEN", "AWS_REGION", "NODE_OPTIONS"]) expect(env).not.toHaveProperty(name);
  });

  it("points HOME and TMPDIR at the given paths, replacing the host's", () => {
    const env = agentEnvironment({ HOME: "/home/ada", TMPDIR: "/var/tmp" }, paths);
    expect(env.HOME).toBe(paths.home);
    expect(env.TMPDIR).toBe(paths.tmp);
  });

  it("supplies a default PATH when the host has none", () => {
    expect(agentEnvironment({}, paths).PATH).toBe("/usr/local/bin:/usr/bin:/bin");
  });
});
