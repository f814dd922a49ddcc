import type { CommitRecord, SignatureStatus, TrustPolicy } from "./types.ts";

export type TrustVerdict = { trusted: true } | { trusted: false; reason: string };

/** The policy when the clone's config says nothing: every commit on a watched branch counts. */
export const OPEN_TRUST: Readonly<TrustPolicy> = Object.freeze({ authors: [], signed: false });

/**
 * Whether a commit may ask for work. An author email is whatever the pusher typed, so the
 * allow-list alone only keeps honest mistakes out; with `signed`, the signature (checked
 * by git against the clone's keys) is what makes it hold. An undefined signature means
 * it was not checked, which `signed` refuses like a missing one.
 */
export function judgeTrust(commit: CommitRecord & { signature?: SignatureStatus }, policy: TrustPolicy): TrustVerdict {
  const who = `${commit.authorName} <${commit.authorEmail}>`;
  const sha = commit.sha.slice(0, 7);
  if (policy.authors.length > 0 && !policy.authors.some((pattern) => emailMatches(pattern, commit.authorEmail))) {
    return { trusted: false, reason: `commit ${sha} is by ${who}, who is not in codex.trustAuthor; to accept them, run git config --add codex.trustAuthor ${commit.authorEmail || "<email>"}` };
  }
  if (policy.signed && commit.signature !== "good") {
    const problem = { bad: "has a signature that git verify-commit does not accept", none: "is not signed", unchecked: "has a signature that was not checked" }[commit.signature ?? "unchecked"];
    return { trusted: false, reason: `commit ${sha} by ${who} ${problem}, and codex.trustSigned requires one; sign it with a key in gpg.ssh.allowedSignersFile or your GPG keyring` };
  }
  return { trusted: true };
}

/** `ada@example.com` or a glob such as `*@example.com`, without regard to case. */
export function emailMatches(pattern: string, email: string): boolean {
  const source = [...pattern.trim()].map((char) => (char === "*" ? ".*" : char === "?" ? "." : char.replace(/[\\^$.|+()[\]{}]/, "\\$&"))).join("");
  return new RegExp(`^${source}$`, "iu").test(email.trim());
}
