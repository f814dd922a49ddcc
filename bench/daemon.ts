/**
 * The daemon parts of `npm run bench`: pickup latency (local and remote) and idle cost.
 * Each returns its table section as text, the command line that reproduces it on top.
 */
import { cliFlag } from "./daemon-process.ts";
import { idleCost } from "./idle.ts";
import { localPickup, percentile, type PickupSample } from "./pickup.ts";
import { remotePickup } from "./pickup-remote.ts";
import type { PartResult } from "./table.ts";

export const PICKUP = { files: 200, localRuns: 20, remoteRuns: 10, pollSeconds: 2 } as const;
// The window opens after the first re-poll of every repository (30 s ± 20 %): that poll sees the
// baseline refs the first cycle pushed and runs one more cycle per repository, a start-up cost.
export const IDLE = { repos: 10, files: 200, pollSeconds: 30, settleSeconds: 45, sampleSeconds: 5 } as const;


const ms = (x: number): string => (Number.isNaN(x) ? "n/a" : x.toFixed(0));

function rows(label: string, samples: PickupSample[], poll: string): string[] {
  const pick = (f: (s: PickupSample) => number) => samples.map(f);
  const floor = percentile(pick((s) => s.floorMs), 50);
  const row = (name: string, xs: number[], ratio = false): string => {
    const median = percentile(xs, 50);
    return `| ${name} | ${ms(median)} | ${ms(percentile(xs, 95))} | ${ratio ? `${(median / floor).toFixed(2)}×` : ""} |`;
  };
  return [
    row(`${label}: \`git push\` itself, start to exit (context)`, pick((s) => s.pushMs)),
    row(`${label} floor: plain git in another clone: fetch the new commit, push 2 new commits`, pick((s) => s.floorMs), true),
    row(`**${label} pickup: push exit → "task started"** (${poll})`, pick((s) => s.startedMs), true),
    row(`… push exit → change noticed ("checking for work")`, pick((s) => s.noticedMs)),
    row(`… push exit → task recorded ("recorded new tasks")`, pick((s) => s.recordedMs)),
    row(`… change noticed → "task started"`, pick((s) => s.startedMs - s.noticedMs), true),
  ];
}

export async function pickupSection(cli: string, runs: { local: number; remote: number } = { local: PICKUP.localRuns, remote: PICKUP.remoteRuns }): Promise<PartResult> {
  const local = await localPickup(runs.local, PICKUP.files, cli);
  const remote = await remotePickup(runs.remote, PICKUP.files, PICKUP.pollSeconds, cli);
  const medianOf = (samples: PickupSample[], f: (s: PickupSample) => number): number => percentile(samples.map(f), 50);
  const text = [
    `npm run bench -- --only pickup${cliFlag(cli)}   (${PICKUP.files}-file fixture; ${runs.local} local and ${runs.remote} remote pickups after one warm-up each; nearest-rank median and p95; node ${process.version})`,
    "",
    "| measurement | median ms | p95 ms | median ratio to floor |",
    "|---|---:|---:|---:|",
    ...rows("local", local, "ref watcher, `--poll 1h`"),
    ...rows("remote", remote, `git:// on 127.0.0.1, \`--poll ${PICKUP.pollSeconds}s\``),
  ].join("\n");
  return {
    text,
    summary: [
      { measurement: "local pickup, push exit → `task started` (median)", value: medianOf(local, (s) => s.startedMs), unit: "ms", floor: { value: medianOf(local, (s) => s.floorMs), name: "fetch + 2 pushes" }, target: { op: "≤", limit: 300, on: "value" } },
      { measurement: `remote pickup, \`--poll ${PICKUP.pollSeconds}s\` (median)`, value: medianOf(remote, (s) => s.startedMs), unit: "ms", floor: { value: medianOf(remote, (s) => s.floorMs), name: "fetch + 2 pushes" } },
    ],
  };
}

export async function idleSection(windowSeconds: number, cli: string, settleSeconds: number = IDLE.settleSeconds): Promise<PartResult> {
  const r = await idleCost({ ...IDLE, settleSeconds, windowSeconds, cli });
  const text = [
    `npm run bench -- --only idle --idle-seconds ${windowSeconds}${cliFlag(cli)}   (${r.repos} repositories of ${r.files} files, \`watch --poll ${r.pollSeconds}s\`; window opens ${r.settleSeconds} s after "watching"; node ${process.version})`,
    "",
    "| measurement | value |",
    "|---|---:|",
    `| daemon start-up: process start → "watching" (ms) | ${ms(r.startupMs)} |`,
    `| CPU over the ${windowSeconds} s window, daemon process (% of one core) | ${r.cpuPercent.toFixed(2)} |`,
    `| CPU over the window, with the git processes it ran (% of one core) | ${r.cpuPercentWithChildren.toFixed(2)} |`,
    `| RSS, largest sample every ${r.sampleSeconds} s in the window (MB) | ${r.rssMaxMB.toFixed(1)} |`,
    `| RSS peak since start, VmHWM (MB) | ${r.rssPeakMB.toFixed(1)} |`,
    `| cycles started in the ${r.settleSeconds} s before the window (start-up, first re-poll) | ${r.settleTriggers} |`,
    `| cycles started in the window ("checking for work") | ${r.triggers} |`,
    `| warnings or errors logged in the window | ${r.warnings} |`,
  ].join("\n");
  return {
    text,
    summary: [
      { measurement: `idle daemon, ${r.repos} repositories: CPU of the daemon process`, value: r.cpuPercent, unit: "%", target: { op: "≤", limit: 1, on: "value" } },
      { measurement: "… CPU with the git processes it ran", value: r.cpuPercentWithChildren, unit: "%", target: { op: "≤", limit: 1, on: "value" } },
      { measurement: "… RSS, largest sample in the window", value: r.rssMaxMB, unit: "MB", target: { op: "≤", limit: 120, on: "value" } },
    ],
  };
}
