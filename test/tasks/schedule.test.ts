import { describe, expect, it } from "vitest";
import { lastDue, nextDue, nextScheduledRun, parseTaskFile, planTasks, scheduleStamp, taskKeyProblem } from "../../src/tasks/index.ts";
import type { CommitRecord, PlanInput } from "../../src/tasks/index.ts";

const NIGHTLY = "0 2 * * *";
const at = (iso: string): Date => new Date(iso);
const seconds = (iso: string): number => Date.parse(iso) / 1000;

const commit = (committedAt: string): CommitRecord => ({
  sha: "c".repeat(40),
  parents: [],
  authorName: "Ada",
  authorEmail: "ada@example.com",
  committedAt: seconds(committedAt),
  subject: "tasks",
  codexTrailers: [],
  hasTaskTrailer: false,
});

const file = (prompt = "Update deps", schedule = NIGHTLY): string =>
  `version: 1\ntasks:\n  nightly:\n    prompt: ${prompt}\n    schedule: "${schedule}"\n  once:\n    prompt: Once\n`;

const plan = (text: string, committedAt: string | undefined, now: string | undefined): ReturnType<typeof planTasks> => {
  const input: PlanInput = {
    baseRef: "main",
    tip: "f".repeat(40),
    prefix: "codex/",
    botEmail: "codex@bot.invalid",
    commits: [],
    envSettings: {},
    taskFile: { parse: parseTaskFile(text), blobSha: "b".repeat(40), ...(committedAt === undefined ? {} : { lastCommit: commit(committedAt) }) },
    ...(now === undefined ? {} : { now: at(now) }),
  };
  return planTasks(input);
};
const scheduled = (p: ReturnType<typeof planTasks>) => p.tasks.filter((t) => t.scheduledFor !== undefined);

describe("lastDue and nextDue", () => {
  it("find 02:00 UTC on either side of midnight and of 02:00", () => {
    const after = at("2026-11-01T00:00:00Z");
    expect(lastDue(NIGHTLY, after, at("2026-11-23T23:59:59Z"))).toEqual(at("2026-11-23T02:00:00Z"));
    expect(lastDue(NIGHTLY, after, at("2026-11-24T00:00:00Z"))).toEqual(at("2026-11-23T02:00:00Z"));
    expect(lastDue(NIGHTLY, after, at("2026-11-24T01:59:59.999Z"))).toEqual(at("2026-11-23T02:00:00Z"));
    expect(lastDue(NIGHTLY, after, at("2026-11-24T02:00:00Z"))).toEqual(at("2026-11-24T02:00:00Z"));
    expect(nextDue(NIGHTLY, at("2026-11-24T01:59:59.999Z"))).toEqual(at("2026-11-24T02:00:00Z"));
    expect(nextDue(NIGHTLY, at("2026-11-24T02:00:00Z"))).toEqual(at("2026-11-25T02:00:00Z"));
    expect(nextDue(NIGHTLY, at("2026-11-23T23:59:59Z"))).toEqual(at("2026-11-24T02:00:00Z"));
  });

  it("counts only fire times strictly after `after`", () => {
    expect(lastDue(NIGHTLY, at("2026-11-24T02:00:00Z"), at("2026-11-24T09:00:00Z"))).toBeUndefined();
    expect(lastDue(NIGHTLY, at("2026-11-24T01:59:00Z"), at("2026-11-24T09:00:00Z"))).toEqual(at("2026-11-24T02:00:00Z"));
    expect(lastDue(NIGHTLY, at("2026-11-24T09:00:00Z"), at("2026-11-24T08:00:00Z"))).toBeUndefined();
  });

  it("answers undefined for a schedule that never fires and throws on one that is not valid", () => {
    expect(nextDue("0 0 31 2 *", at("2026-11-24T00:00:00Z"))).toBeUndefined();
    expect(lastDue("0 0 31 2 *", at("2020-01-01T00:00:00Z"), at("2026-11-24T00:00:00Z"))).toBeUndefined();
    expect(() => nextDue("@daily", at("2026-11-24T00:00:00Z"))).toThrow(/not a valid cron expression/);
  });

  it("stays at 02:00Z across European daylight-saving changes, because schedules are UTC", () => {
    const after = at("2026-03-01T00:00:00Z");
    // Clocks in Europe go forward on 29 March 2026 and back on 25 October 2026.
    expect(lastDue(NIGHTLY, after, at("2026-03-29T12:00:00Z"))).toEqual(at("2026-03-29T02:00:00Z"));
    expect(nextDue(NIGHTLY, at("2026-03-29T00:00:00Z"))).toEqual(at("2026-03-29T02:00:00Z"));
    expect(nextDue(NIGHTLY, at("2026-10-25T00:30:00Z"))).toEqual(at("2026-10-25T02:00:00Z"));
    expect(nextDue("30 1 * * *", at("2026-10-25T00:00:00Z"))).toEqual(at("2026-10-25T01:30:00Z"));
  });
});

describe("scheduleStamp", () => {
  it("writes the fire time in UTC to the minute, as a valid ref component", () => {
    expect(scheduleStamp(at("2026-11-24T02:00:00Z"))).toBe("20261124T0200Z");
    expect(scheduleStamp(at("2027-01-05T23:07:00Z"))).toBe("20270105T2307Z");
  });
});

describe("planTasks with a clock", () => {
  it("plans one run for the latest missed instant after a week offline, besides the normal run", () => {
    const p = plan(file(), "2026-11-10T10:00:00Z", "2026-11-24T09:00:00Z");
    expect(p.tasks.map((t) => t.key)).toEqual(["nightly", "nightly", "once"]);
    const [normal, run] = p.tasks;
    expect(normal?.scheduledFor).toBeUndefined();
    expect(run).toMatchObject({ id: `${normal?.id}-at-20261124T0200Z`, scheduledFor: "2026-11-24T02:00:00.000Z" });
    expect(run).toMatchObject({ kind: "file", hash: normal?.hash, branch: "codex/nightly", base: normal?.base, prompt: "Update deps" });
    expect(run?.settings).toEqual(normal?.settings);
    expect(run?.requester).toEqual(normal?.requester);
  });

  it("plans no scheduled run before the first fire time after the version's commit", () => {
    expect(scheduled(plan(file(), "2026-11-24T10:00:00Z", "2026-11-24T23:59:00Z"))).toEqual([]);
    expect(scheduled(plan(file(), "2026-11-24T02:00:00Z", "2026-11-24T02:00:30Z"))).toEqual([]);
    expect(scheduled(plan(file(), "2026-11-24T10:00:00Z", "2026-11-25T02:00:00Z")).map((t) => t.scheduledFor)).toEqual(["2026-11-25T02:00:00.000Z"]);
  });

  it("gives the same instant the same id, a valid ref component, and the next instant another", () => {
    const first = scheduled(plan(file(), "2026-11-10T10:00:00Z", "2026-11-24T03:00:00Z"))[0]?.id;
    const again = scheduled(plan(file(), "2026-11-10T10:00:00Z", "2026-11-25T01:59:00Z"))[0]?.id;
    const next = scheduled(plan(file(), "2026-11-10T10:00:00Z", "2026-11-25T02:00:00Z"))[0]?.id;
    expect(first).toMatch(/^nightly-[0-9a-f]{8}-at-20261124T0200Z$/);
    expect(taskKeyProblem(first ?? "")).toBeUndefined();
    expect(again).toBe(first);
    expect(next).toMatch(/-at-20261125T0200Z$/);
  });

  it("starts over when the prompt is edited: new hash, nothing due until the next fire time", () => {
    const before = scheduled(plan(file("Update deps"), "2026-11-10T10:00:00Z", "2026-11-24T12:00:00Z"));
    const edited = plan(file("Update all deps"), "2026-11-24T11:00:00Z", "2026-11-24T12:00:00Z");
    expect(before.map((t) => t.scheduledFor)).toEqual(["2026-11-24T02:00:00.000Z"]);
    expect(scheduled(edited)).toEqual([]);
    expect(edited.tasks[0]?.id).not.toBe(plan(file("Update deps"), "2026-11-10T10:00:00Z", undefined).tasks[0]?.id);
    const later = scheduled(plan(file("Update all deps"), "2026-11-24T11:00:00Z", "2026-11-25T02:30:00Z"));
    expect(later[0]?.hash).not.toBe(before[0]?.hash);
    expect(later[0]?.id).toBe(`${edited.tasks[0]?.id}-at-20261125T0200Z`);
  });

  it("plans no scheduled run without a clock or without the file's last commit", () => {
    expect(scheduled(plan(file(), "2026-11-10T10:00:00Z", undefined))).toEqual([]);
    expect(scheduled(plan(file(), undefined, "2026-11-24T09:00:00Z"))).toEqual([]);
  });

  it("ignores the schedule of an invalid task", () => {
    const text = 'version: 1\ntasks:\n  bad:\n    promt: x\n    schedule: "0 2 * * *"\n  worse:\n    prompt: y\n    schedule: "61 * * * *"\n';
    const p = plan(text, "2026-11-10T10:00:00Z", "2026-11-24T09:00:00Z");
    expect(p.tasks).toEqual([]);
    expect(p.invalid.map((t) => t.key)).toEqual(["bad", "worse"]);
    expect(nextScheduledRun(parseTaskFile(text), at("2026-11-24T09:00:00Z"))).toBeUndefined();
  });
});

describe("nextScheduledRun", () => {
  it("picks the earliest next fire time of all scheduled tasks", () => {
    const text = 'version: 1\ntasks:\n  nightly:\n    prompt: a\n    schedule: "0 2 * * *"\n  hourly:\n    prompt: b\n    schedule: "15 * * * *"\n  once:\n    prompt: c\n';
    expect(nextScheduledRun(parseTaskFile(text), at("2026-11-24T01:20:00Z"))).toEqual(at("2026-11-24T02:00:00Z"));
    expect(nextScheduledRun(parseTaskFile(text), at("2026-11-24T01:10:00Z"))).toEqual(at("2026-11-24T01:15:00Z"));
  });

  it("answers undefined when nothing is scheduled or the file did not parse", () => {
    expect(nextScheduledRun(parseTaskFile("version: 1\ntasks:\n  once:\n    prompt: c\n"), at("2026-11-24T01:20:00Z"))).toBeUndefined();
    expect(nextScheduledRun(parseTaskFile("version: 2\n"), at("2026-11-24T01:20:00Z"))).toBeUndefined();
  });
});
