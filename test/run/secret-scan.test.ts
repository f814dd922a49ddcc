import { describe, expect, it } from "vitest";
import { describeFindings, scanForSecrets } from "../../src/run/secret-scan.ts";

// Built at run time so that this file itself holds no secret-shaped text.
const mixed = (n: number): string => "aB3xY9kQ".repeat(Math.ceil(n / 8)).slice(0, n);
const SAMPLES: Record<string, string> = {
  "private key": `-----BEGIN ${"RSA "}PRIVATE KEY-----`,
  "AWS access key id": `AKIA${"QWERTYUIOPASDF12"}`,
  "GitHub token": `ghp_${mixed(36)}`,
  "GitHub fine-grained token": `github_pat_${mixed(22)}_${mixed(59)}`,
  "GitLab token": `glpat-${mixed(20)}`,
  "Anthropic API key": `sk-ant-api03-${mixed(40)}`,
  "OpenAI API key": `sk-proj-${mixed(48)}`,
  "Slack token": `xoxb-${"1234567890"}-${mixed(24)}`,
  "Slack webhook": `https://hooks.slack.com/services/T${mixed(8)}/B${mixed(8)}/${mixed(24)}`,
  "Google API key": `AIza${mixed(35)}`,
  "Stripe live key": `sk_live_${mixed(24)}`,
  "npm token": `npm_${mixed(36)}`,
};

describe("scanForSecrets", () => {
  it.each(Object.entries(SAMPLES))("finds a %s", (kind, secret) => {
    expect(scanForSecrets([{ path: "config.js", addedLines: ["const a = 1;", `const key = "${secret}";`] }])).toEqual([{ path: "config.js", line: 2, kind }]);
  });

  it("knows every PEM private key header, plain, typed, encrypted and PGP", () => {
    const headers = ["", "EC ", "DSA ", "OPENSSH ", "ENCRYPTED "].map((type) => `-----BEGIN ${type}PRIVATE KEY-----`);
    headers.push(`-----BEGIN PGP PRIVATE KEY ${"BLOCK"}-----`);
    const found = scanForSecrets([{ path: "k", addedLines: headers }]);
    expect(found.map((f) => f.line)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("reports where and what, never the secret itself", () => {
    const secret = SAMPLES["GitHub token"] ?? "";
    const found = scanForSecrets([{ path: "a.env", addedLines: [`TOKEN=${secret}`], lineNumbers: [41] }]);
    expect(found).toEqual([{ path: "a.env", line: 41, kind: "GitHub token" }]);
    expect(JSON.stringify(found)).not.toContain(secret);
    expect(describeFindings(found)).toEqual([`"a.env" line 41: GitHub token`]);
  });

  it("uses the new file's line numbers when given", () => {
    const found = scanForSecrets([{ path: "x", addedLines: ["ok", SAMPLES["npm token"] ?? ""], lineNumbers: [10, 20] }]);
    expect(found).toEqual([{ path: "x", line: 20, kind: "npm token" }]);
  });

  it("does not mistake ordinary code and documentation examples for secrets", () => {
    const lines = [
      "const sk = 'sk-some-long-kebab-case-identifier-name-here';",
      "task-learning-rate-scheduler-warmup-cosine-decay",
      "AKIAIOSFODNN7EXAMPLE is the key id in AWS's documentation",
      "BEGIN PUBLIC KEY",
      `-----BEGIN ${"PUBLIC"} KEY-----`,
      "ghp_short",
      "sk_test_" + mixed(24),
      "const name = 'xoxo-gossip';",
    ];
    expect(scanForSecrets([{ path: "code.ts", addedLines: lines }])).toEqual([]);
  });

  it("finds each kind once per line, and several kinds on one line", () => {
    const line = `${SAMPLES["AWS access key id"]} ${SAMPLES["AWS access key id"]} ${SAMPLES["Stripe live key"]}`;
    expect(scanForSecrets([{ path: "p", addedLines: [line] }]).map((f) => f.kind)).toEqual(["AWS access key id", "Stripe live key"]);
  });

  it("finds the bot's own secret values, however they look", () => {
    const known = ["plain-looking-value-42"];
    expect(scanForSecrets([{ path: "p", addedLines: ["x = 'plain-looking-value-42'"] }], known)).toEqual([{ path: "p", line: 1, kind: "secret from the bot's environment" }]);
    expect(scanForSecrets([{ path: "p", addedLines: ["short"] }], ["short"])).toEqual([]);
  });

  it("shortens a long list of findings", () => {
    const findings = Array.from({ length: 25 }, (_, i) => ({ path: "f", line: i + 1, kind: "npm token" }));
    expect(describeFindings(findings)).toHaveLength(21);
    expect(describeFindings(findings).at(-1)).toBe("… and 5 more");
  });
});
