import { spawnSync } from "node:child_process";
import { writeFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { verifyCommits } from "../../src/git/verify.ts";
import { createTempRepo, type TempRepo } from "./helpers.ts";

const hasSshKeygen = spawnSync("ssh-keygen", ["-Y", "sign"], { stdio: "ignore" }).error === undefined;

async function keygen(repo: TempRepo, name: string): Promise<string> {
  const path = join(repo.root, name);
  const made = spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", path], { stdio: "ignore" });
  if (made.status !== 0) throw new Error("ssh-keygen could not make a key");
  return path;
}

async function signedCommit(repo: TempRepo, key: string, message: string): Promise<string> {
  await repo.git.run(["-c", "commit.gpgsign=true", "-c", `user.signingkey=${key}.pub`, "commit", "--quiet", "--allow-empty", "-m", message]);
  return (await repo.git.run(["rev-parse", "HEAD"])).trim();
}

describe.skipIf(!hasSshKeygen)("verifyCommits (SSH signatures)", () => {
  it("tells a good signature from a missing one and from one by an unknown key", async () => {
    await using repo = await createTempRepo();
    const trusted = await keygen(repo, "trusted");
    const stranger = await keygen(repo, "stranger");
    const allowed = join(repo.root, "allowed_signers");
    await writeFile(allowed, `ada@example.com ${await readFile(`${trusted}.pub`, "utf8")}`);
    await repo.git.run(["config", "gpg.format", "ssh"]);
    await repo.git.run(["config", "gpg.ssh.allowedSignersFile", allowed]);

    const unsigned = await repo.commit({ "a.txt": "a\n" }, "unsigned");
    const good = await signedCommit(repo, trusted, "signed by a trusted key");
    const bad = await signedCommit(repo, stranger, "signed by a stranger");

    const statuses = await verifyCommits(repo.git, [unsigned, good, bad, good]);
    expect([...statuses]).toEqual([
      [unsigned, "none"],
      [good, "good"],
      [bad, "bad"],
    ]);
  });

  it("calls a signed commit bad when the clone has no allowed signers at all", async () => {
    await using repo = await createTempRepo();
    const key = await keygen(repo, "key");
    await repo.git.run(["config", "gpg.format", "ssh"]);
    const signed = await signedCommit(repo, key, "signed");
    expect(await verifyCommits(repo.git, [signed])).toEqual(new Map([[signed, "bad"]]));
  });
});

describe("verifyCommits", () => {
  it("answers none for an unsigned commit, bad for one that cannot be read, and refuses options", async () => {
    await using repo = await createTempRepo();
    const sha = await repo.commit({ "a.txt": "a\n" }, "plain");
    const missing = "0".repeat(40);
    expect(await verifyCommits(repo.git, [sha, missing])).toEqual(new Map([[sha, "none"], [missing, "bad"]]));
    await expect(verifyCommits(repo.git, ["--help"])).rejects.toThrow(/must not start with "-"/);
  });
});
