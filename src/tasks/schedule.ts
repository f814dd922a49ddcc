import { Cron } from "croner";
import { cronProblem } from "./cron.ts";
import type { ParseResult } from "./types.ts";

/**
 * Schedules are read in UTC, whatever the daemon's time zone: two daemons on two machines
 * serving one remote must agree on which instant a run belongs to (it is in the task id),
 * and UTC has no daylight-saving gaps or repeated hours.
 */
function cronOf(cron: string): Cron {
  const problem = cronProblem(cron);
  if (problem !== undefined) throw new TypeError(`schedule "${cron.slice(0, 80)}" is not a valid cron expression: ${problem}`);
  // No callback and paused: a calculator only, never a timer.
  return new Cron(cron.trim(), { timezone: "UTC", paused: true, mode: "5-part" });
}

/**
 * The most recent fire time t of `cron` with after < t ≤ now, or undefined. Only the latest
 * missed instant counts: a daemon that was off for a week runs a nightly task once.
 * Throws a TypeError when `cron` is not a 5-field expression (see cronProblem).
 */
export function lastDue(cron: string, after: Date, now: Date): Date | undefined {
  const schedule = cronOf(cron);
  if (Number.isNaN(after.getTime()) || Number.isNaN(now.getTime()) || now <= after) return undefined;
  // croner excludes a run at exactly the reference; fire times are whole seconds, so asking
  // for runs before the next whole second finds every run at or before `now`.
  const reference = new Date(Math.floor(now.getTime() / 1000) * 1000 + 1000);
  const [latest] = schedule.previousRuns(1, reference);
  return latest !== undefined && latest > after && latest <= now ? latest : undefined;
}

/** The first fire time of `cron` strictly after `now`, or undefined when it never fires again. */
export function nextDue(cron: string, now: Date): Date | undefined {
  const schedule = cronOf(cron);
  if (Number.isNaN(now.getTime())) return undefined;
  let next = schedule.nextRun(now);
  // croner strips milliseconds; make sure the answer is really later than `now`.
  while (next !== null && next <= now) next = schedule.nextRun(new Date(next.getTime() + 1000));
  return next ?? undefined;
}

/** `20261124T0200Z`: a fire time, to the minute, in a form that is valid inside a ref name. */
export function scheduleStamp(d: Date): string {
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}Z`;
}

/**
 * When the daemon should next wake for a schedule: the earliest fire time after `now` of
 * any valid task with a schedule, or undefined when none will fire. Invalid tasks and a file
 * that did not parse have no schedule.
 */
export function nextScheduledRun(parse: ParseResult, now: Date): Date | undefined {
  let earliest: Date | undefined;
  for (const def of Object.values(parse.file?.tasks ?? {})) {
    if (def.schedule === undefined || cronProblem(def.schedule) !== undefined) continue;
    const next = nextDue(def.schedule, now);
    if (next !== undefined && (earliest === undefined || next < earliest)) earliest = next;
  }
  return earliest;
}
