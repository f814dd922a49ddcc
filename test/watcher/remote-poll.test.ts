import { rename } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { GitError } from "../../src/git/git-error.ts";
import type { Git } from "../../src/git/runner.ts";
import { pollRemote, type PollRemoteOptions } from "../../src/watcher/index.ts";
import { createFakeClock } from "../helpers/fake-clock.ts";
import { createManualClock } from "../helpers/manual-clock.ts";
import { createRemoteWorld, recordCalls, within } from "./helpers.ts";

const INTERVAL = 1000;

function startPolling(options: Omit<PollRemoteOptions, "remote" | "intervalMs" | "signal"> & Partial<PollRemoteOptions>) {
  const controller = new AbortController();
  const done = pollRemote({ remote: "origin", intervalMs: INTERVAL, random: () => 0.5, signal: controller.signal, ...options });
  return { done, stop: () => controller.abort() };
}

describe("pollRemote", () => {
  it("stays silent on the first poll, then triggers once per change of the remote", async () => {
    await using world = await createRemoteWorld();
    const clock = createManualClock();
    const calls = recordCalls();
    const polling = startPolling({ git: world.git, clock, onChange: calls.onChange });
    expect(await within(clock.nextSleep(), "the first poll")).toBe(INTERVAL);
    expect(calls.reasons).toEqual([]);

    const other = await world.cloneAgain("other");
    await world.commit(other, "from elsewhere");
    await other.run(["push", "--quiet", "origin", "main"]);
    clock.wake();
    await within(clock.nextSleep(), "the second poll");
    expect(calls.reasons).toEqual(["remote"]);

    clock.wake();
    await within(clock.nextSleep(), "a poll with nothing new");
    expect(calls.reasons).toEqual(["remote"]);

    await other.run(["push", "--quiet", "origin", "HEAD:refs/codex/tasks/fix-typo"]);
    clock.wake();
    await within(clock.nextSleep(), "a poll after a task ref was pushed");
    expect(calls.reasons).toEqual(["remote", "remote"]);

    polling.stop();
    await within(polling.done, "the end of polling");
  });

  it("backs off while the remote is gone, then recovers and asks for a catch-up", async () => {
    await using world = await createRemoteWorld();
    const clock = createManualClock();
    const calls = recordCalls();
    const errors: Array<{ err: unknown; delay: number }> = [];
    let recoveries = 0;
    const polling = startPolling({
      git: world.git, clock, maxBackoffMs: 5 * INTERVAL, onChange: calls.onChange,
      onError: (err, delay) => errors.push({ err, delay }),
      onRecover: () => recoveries++,
    });
    await within(clock.nextSleep(), "the first poll");
    await rename(world.remote, `${world.remote}.moved`);
    for (let i = 0; i < 5; i++) {
      clock.wake();
      await within(clock.nextSleep(), `failed poll ${i + 1}`);
    }
    expect(errors.map((e) => e.delay)).toEqual([1, 2, 4, 5, 5].map((n) => n * INTERVAL));
    expect(clock.sleeps).toEqual([1, 1, 2, 4, 5, 5].map((n) => n * INTERVAL));
    expect(errors[0]?.err).toBeInstanceOf(GitError);
    expect(calls.reasons).toEqual([]);
    expect(recoveries).toBe(0);

    await rename(`${world.remote}.moved`, world.remote);
    clock.wake();
    expect(await within(clock.nextSleep(), "the poll that recovers")).toBe(INTERVAL);
    expect(recoveries).toBe(1);
    expect(calls.reasons).toEqual(["remote-recovered"]);

    clock.wake();
    await within(clock.nextSleep(), "a poll after recovery");
    expect(calls.reasons).toEqual(["remote-recovered"]);
    expect(errors).toHaveLength(5);
    polling.stop();
    await within(polling.done, "the end of polling");
  });

  it("keeps every wait within ±20 % of the interval", async () => {
    await using world = await createRemoteWorld();
    const clock = createManualClock();
    const randoms = [0, 0.999999, 0.25, 0.75, 0.5, 0.1];
    let next = 0;
    const polling = startPolling({ git: world.git, clock, onChange: () => {}, random: () => randoms[next++ % randoms.length] as number });
    for (let i = 0; i < randoms.length; i++) {
      if (i > 0) clock.wake();
      await within(clock.nextSleep(), `poll ${i + 1}`);
    }
    expect(clock.sleeps).toEqual([800, 1200, 900, 1100, 1000, 840]);
    polling.stop();
    await within(polling.done, "the end of polling");
  });

  it("rejects an interval that would poll without pause", async () => {
    const git = unusedGit();
    for (const intervalMs of [0, -1000, Number.NaN]) {
      await expect(startPolling({ git, clock: createFakeClock(), onChange: () => {}, intervalMs }).done).rejects.toThrow(/intervalMs/);
    }
    await expect(startPolling({ git, clock: createFakeClock(), onChange: () => {}, jitter: 1 }).done).rejects.toThrow(/jitter/);
  });

  it("never runs two polls at once and always waits the interval between them", async () => {
    const clock = createFakeClock();
    let running = 0;
    let mostAtOnce = 0;
    let polls = 0;
    const controller = new AbortController();
    const git = stubGit(async () => {
      mostAtOnce = Math.max(mostAtOnce, ++running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
      if (++polls === 10) controller.abort();
      return `${polls}\trefs/heads/main\n`;
    });
    await within(pollRemote({ git, remote: "origin", intervalMs: INTERVAL, jitter: 0, clock, onChange: () => {}, signal: controller.signal }), "ten polls");
    expect(mostAtOnce).toBe(1);
    expect(clock.sleeps).toEqual(Array(9).fill(INTERVAL));
  });

  it("stops at once when aborted in the middle of a poll", async () => {
    const polling = startPolling({ git: stubGit(() => new Promise<string>(() => {})), clock: createManualClock(), onChange: () => {} });
    polling.stop();
    await within(polling.done, "the end of polling", 1000);
  });
});

function stubGit(run: () => Promise<string>): Git {
  const git: Git = {
    cwd: "/nonexistent",
    run,
    probe: () => Promise.reject(new Error("probe is not expected")),
    at: () => git,
  };
  return git;
}

function unusedGit(): Git {
  return stubGit(() => Promise.reject(new Error("git must not be called")));
}
