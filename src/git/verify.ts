import type { SignatureStatus } from "../tasks/types.ts";
import { assertNotOption, type Git } from "./runner.ts";

/**
 * What `git verify-commit` says of each commit, with the clone's own keys and settings
 * (gpg.format, gpg.ssh.allowedSignersFile, gpg.minTrustLevel): "good" when it exits 0;
 * otherwise "bad" when the commit carries a signature and "none" when it carries none.
 * That last question is asked of the commit object itself rather than of gpg's or
 * ssh-keygen's words, which differ between versions.
 */
export async function verifyCommits(git: Git, shas: readonly string[]): Promise<Map<string, SignatureStatus>> {
  const statuses = new Map<string, SignatureStatus>();
  // One at a time: each check may start gpg or ssh-keygen, and there are few commits.
  for (const sha of new Set(shas)) statuses.set(sha, await verifyCommit(git, sha));
  return statuses;
}

async function verifyCommit(git: Git, sha: string): Promise<SignatureStatus> {
  const rev = assertNotOption(sha, "commit");
  const verified = await git.probe(["verify-commit", "--raw", rev]);
  if (verified.exitCode === 0) return "good";
  const object = await git.probe(["cat-file", "commit", rev]);
  // A commit that cannot be read is not trusted either.
  if (object.exitCode !== 0) return "bad";
  const end = object.stdout.indexOf("\n\n");
  const header = end < 0 ? object.stdout : object.stdout.slice(0, end);
  return /^gpgsig(-sha256)? /m.test(header) ? "bad" : "none";
}
