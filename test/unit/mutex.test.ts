import { describe, expect, it } from "vitest";
import { createMutex } from "../../src/util/mutex.ts";
import { deferred } from "../helpers/spawn-cli.ts";

/** A section that notes when it starts and ends only when the test lets it. */
function gated(log: string[], name: string) {
  const started = deferred();
  const gate = deferred();
  const section = async (): Promise<string> => {
    log.push(`${name} start`);
    started.resolve();
    await gate.promise;
    log.push(`${name} end`);
    return name;
  };
  return { section, started: started.promise, open: () => gate.resolve() };
}

// Every section here is promise-driven: one macrotask turn runs whatever could run by then.
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Enters sections a and b in that order, and checks that b starts only once a has ended. */
async function expectInTurn(enter: (section: () => Promise<string>) => Promise<string>): Promise<void> {
  const log: string[] = [];
  const [a, b] = [gated(log, "a"), gated(log, "b")];
  const runs = [enter(a.section), enter(b.section)];
  await a.started;
  await turn();
  expect(log).toEqual(["a start"]);
  a.open();
  await b.started;
  b.open();
  expect(await Promise.all(runs)).toEqual(["a", "b"]);
  expect(log).toEqual(["a start", "a end", "b start", "b end"]);
}

describe("a repository's lock", () => {
  it("runs exclusive sections one at a time, in call order", async () => {
    const lock = createMutex();
    await expectInTurn((section) => lock(section));
  });

  it("runs two tasks' shared sections side by side", async () => {
    const lock = createMutex();
    const log: string[] = [];
    const [a, b] = [gated(log, "a"), gated(log, "b")];
    const runs = [lock.shared("branch:a", a.section), lock.shared("branch:b", b.section)];
    await Promise.all([a.started, b.started]);
    expect(log).toEqual(["a start", "b start"]);
    b.open();
    a.open();
    expect(await Promise.all(runs)).toEqual(["a", "b"]);
  });

  it("runs shared sections with the same key one at a time, in call order", async () => {
    const lock = createMutex();
    await expectInTurn((section) => lock.shared("branch:fix", section));
  });

  it("starts an exclusive section only after the shared ones called before it, and shared ones called after it only once it ended", async () => {
    const lock = createMutex();
    const log: string[] = [];
    const [claim, finalize, intake, next] = [gated(log, "claim"), gated(log, "finalize"), gated(log, "intake"), gated(log, "next")];
    const runs = [lock.shared("branch:a", claim.section), lock.shared("branch:b", finalize.section), lock(intake.section), lock.shared("branch:c", next.section)];
    await Promise.all([claim.started, finalize.started]);
    claim.open();
    await turn();
    expect(log).toEqual(["claim start", "finalize start", "claim end"]);
    finalize.open();
    await intake.started;
    await turn();
    expect(log.slice(3)).toEqual(["finalize end", "intake start"]);
    intake.open();
    await next.started;
    next.open();
    await Promise.all(runs);
    expect(log.slice(5)).toEqual(["intake end", "next start", "next end"]);
  });

  it("hands a section's rejection to its caller and goes on with the next section", async () => {
    const lock = createMutex();
    const failing = lock.shared("branch:a", () => Promise.reject(new Error("push rejected")));
    const after = [lock(() => Promise.resolve("intake")), lock.shared("branch:a", () => Promise.resolve("same branch"))];
    await expect(failing).rejects.toThrow("push rejected");
    await expect(lock(() => Promise.reject(new Error("fetch failed")))).rejects.toThrow("fetch failed");
    expect(await Promise.all([...after, lock.shared("branch:b", () => Promise.resolve("later"))])).toEqual(["intake", "same branch", "later"]);
  });
});
