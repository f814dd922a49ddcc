import { createForgeClient, type ForgeClientOptions } from "../../src/forge/client.ts";
import type { Forge } from "../../src/forge/forge.ts";
import type { EnsurePullRequestInput } from "../../src/forge/ensure-pull-request.ts";
import type { StandIn } from "./github-stand-in.ts";

export const OWNER = "octo";
export const REPO = "hello";

/** A client for the stand-in: waits shrunk to milliseconds, writes not paced. */
export function standInClient(stand: StandIn, overrides: Partial<ForgeClientOptions> = {}): Forge {
  return createForgeClient({ token: "test-token", apiUrl: stand.apiUrl, retryWaitMs: 1, paceWrites: false, ...overrides });
}

export function pullInput(overrides: Partial<EnsurePullRequestInput> = {}): EnsurePullRequestInput {
  return {
    owner: OWNER, repo: REPO, head: "codex/fix-bug", base: "main", title: "codex(fix-bug): fix the bug",
    body: "<!-- git-codex:task=fix-bug-1234abcd -->\n\n## Summary\n\nFixed it.\n", draft: false, labels: [], ...overrides,
  };
}
