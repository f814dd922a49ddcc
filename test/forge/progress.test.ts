import { describe, expect, it } from "vitest";
import { createPullProgress } from "../../src/forge/progress.ts";
import type { Forge, PullRequest } from "../../src/forge/forge.ts";
import { createManualClock } from "../helpers/manual-clock.ts";

function recordingForge(fail = false): { forge: Forge; bodies: string[] } {
  const bodies: string[] = [];
  const pull = { number: 3, url: "u", title: "t", body: "", state: "open", merged: false, draft: false, head: "h", base: "b", labels: [] } satisfies PullRequest;
  const refuse = (): never => {
    throw new Error("not used");
  };
  const forge: Forge = {
    findOpenPull: refuse, createPull: refuse, getPull: refuse, ensureLabels: refuse, addLabels: refuse,
    listIssueComments: refuse, collaboratorAccess: refuse, reactToComment: refuse, tokenLogin: refuse,
    async updatePull(_repo, _number, change) {
      if (fail) throw new Error("GitHub answered 502");
      bodies.push(change.body ?? "");
      return { ...pull, body: change.body ?? "" };
    },
  };
  return { forge, bodies };
}

const REPO = { owner: "o", repo: "r" };
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("createPullProgress", () => {
  it("writes the first body at once and then the latest at most once per interval", async () => {
    const clock = createManualClock();
    const { forge, bodies } = recordingForge();
    const progress = createPullProgress({ forge, repo: REPO, number: 3, clock, minIntervalMs: 5000 });
    progress.update("one");
    await settle();
    expect(bodies).toEqual(["one"]);
    progress.update("two");
    progress.update("three");
    expect(await clock.nextSleep()).toBe(5000);
    expect(bodies).toEqual(["one"]);
    clock.wake();
    await settle();
    expect(bodies).toEqual(["one", "three"]);
    await progress.close();
  });

  it("skips a body the pull request already shows", async () => {
    const clock = createManualClock();
    const { forge, bodies } = recordingForge();
    const progress = createPullProgress({ forge, repo: REPO, number: 3, clock, currentBody: "same" });
    progress.update("same");
    await settle();
    expect(bodies).toEqual([]);
    await progress.close();
  });

  it("drops what is pending on close, so the final body is not overtaken", async () => {
    const clock = createManualClock();
    const { forge, bodies } = recordingForge();
    const progress = createPullProgress({ forge, repo: REPO, number: 3, clock });
    progress.update("one");
    await settle();
    progress.update("stale");
    await clock.nextSleep();
    await progress.close();
    progress.update("after close");
    await settle();
    expect(bodies).toEqual(["one"]);
  });

  it("only warns when a write fails", async () => {
    const clock = createManualClock();
    const { forge } = recordingForge(true);
    const warnings: string[] = [];
    const progress = createPullProgress({ forge, repo: REPO, number: 3, clock, log: { warn: (_data, message) => warnings.push(message) } });
    progress.update("one");
    await settle();
    await progress.close();
    expect(warnings).toEqual(["could not show progress on the pull request"]);
  });
});
