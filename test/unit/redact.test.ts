import { describe, expect, it } from "vitest";
import { createRedactor, REDACTED, secretValues } from "../../src/util/redact.ts";

describe("secretValues", () => {
  it("picks the well-known token variables and names that say secret", () => {
    const env = {
      OPENAI_API_KEY: "sk-openai-value",
      GITHUB_TOKEN: "github-token-value",
      GH_TOKEN: "gh-token-value",
      MY_SERVICE_PASSWORD: "hunter2hunter2",
      AWS_SECRET_ACCESS_KEY: "aws-secret-value",
    };
    expect(new Set(secretValues(env))).toEqual(new Set(Object.values(env)));
  });

  it("ignores ordinary variables such as PATH and HOME", () => {
    expect(secretValues({ PATH: "/usr/bin:/bin", HOME: "/home/ada", LANG: "en_US.UTF-8" })).toEqual([]);
  });

  it("ignores secret-named variables whose values are too short or empty", () => {
    expect(secretValues({ GITHUB_TOKEN: "abc", GH_TOKEN: "", OPENAI_API_KEY: undefined })).toEqual([]);
  });

  it("returns each value once, longest first", () => {
    expect(secretValues({ A_TOKEN: "short1", B_TOKEN: "much-longer-value", C_TOKEN: "short1" })).toEqual(["much-longer-value", "short1"]);
  });
});

describe("createRedactor", () => {
  it("replaces every occurrence of a secret", () => {
    const redact = createRedactor(["s3cr3t-value"]);
    expect(redact("a s3cr3t-value b s3cr3t-value c")).toBe(`a ${REDACTED} b ${REDACTED} c`);
  });

  it("replaces a secret that contains another one whole, whatever order they were given in", () => {
    const redact = createRedactor(["abcdef", "abcdef-and-more"]);
    expect(redact("x abcdef-and-more y abcdef")).toBe(`x ${REDACTED} y ${REDACTED}`);
  });

  it("leaves text without secrets unchanged and ignores too-short secrets", () => {
    const redact = createRedactor(["abc", ""]);
    expect(redact("abc is fine")).toBe("abc is fine");
  });

  it("hides credentials inside URLs and keeps the host", () => {
    const redact = createRedactor([]);
    expect(redact("fatal: https://user:tok123@github.com/o/r.git failed")).toBe(`fatal: https://${REDACTED}@github.com/o/r.git failed`);
  });

  it("hides well-known token formats that are not in the environment", () => {
    const redact = createRedactor([]);
    const tokens = [
      `sk-${"a1".repeat(12)}`,
      `sk-proj-${"Zz9_".repeat(6)}`,
      `ghp_${"A".repeat(36)}`,
      `ghs_${"b".repeat(36)}`,
      `github_pat_${"11AAAA_".repeat(6)}`,
    ];
    for (const token of tokens) expect(redact(`token=${token} end`)).toBe(`token=${REDACTED} end`);
  });

  it("does not mistake short look-alikes for tokens", () => {
    const redact = createRedactor([]);
    expect(redact("sk-learn ghp_short task-list")).toBe("sk-learn ghp_short task-list");
  });
});

describe("secretValues on names that only contain a secret word", () => {
  // Bug: /AUTH/ matches inside AUTHOR, so a person's name becomes a "secret" that is
  // scrubbed from logs, tool outputs and commit bodies.
  it("does not treat GIT_AUTHOR_NAME or GIT_AUTHOR_EMAIL as secrets", () => {
    expect(secretValues({ GIT_AUTHOR_NAME: "Ada Lovelace", GIT_AUTHOR_EMAIL: "ada@example.com" })).toEqual([]);
  });
});

describe("createRedactor and private keys", () => {
  it("hides a whole private key block, even inside a patch with + prefixes", () => {
    const key = ["+-----BEGIN OPENSSH", "PRIVATE KEY-----\n+c2VjcmV0LWtleS1ib2R5\n+-----END OPENSSH", "PRIVATE KEY-----\n+after"].join(" ");
    expect(createRedactor([])(key)).toBe("+[REDACTED]\n+after");
  });
});
