import { cronProblem } from "./cron.ts";
import { definitionHash, fileTaskId, invalidKeyTaskId, rawTaskHash, taskFileErrorId, trailerTaskId } from "./ids.ts";
import { lastDue, scheduleStamp } from "./schedule.ts";
import { resolveSettings } from "./settings.ts";
import { taskKeyProblem } from "./task-key.ts";
import { isBotCommit, taskInstructions } from "./trailers.ts";
import { judgeTrust, type TrustVerdict } from "./trust.ts";
import type { CommitRecord, FileTaskDefinition, InvalidTask, ParseResult, RefusedTask, Requester, SignatureStatus, TaskFileParse, TaskSettings, TaskSpec, TrustPolicy } from "./types.ts";

export interface PlanInput {
  /** Watched branch, without refs/heads/. */
  baseRef: string;
  /** Its tip commit, where the task file was read. */
  tip: string;
  /** Result branch prefix, e.g. "codex/". */
  prefix: string;
  botEmail: string;
  taskFile?: {
    /** parseTaskFile's answer; a bare ParseResult (built by a caller) is accepted too. */
    parse: ParseResult & Partial<Pick<TaskFileParse, "invalidTaskHashes">>;
    blobSha: string;
    /** The last commit that touched the file: its author requested the file tasks. */
    lastCommit?: CommitRecord;
  };
  /** New commits on baseRef, oldest first. */
  commits: CommitRecord[];
  envSettings: Partial<TaskSettings>;
  /**
   * The daemon's clock. When given, a file task with a `schedule` also yields one run for
   * the latest fire time since its version was committed (see scheduledRun).
   */
  now?: Date;
  /**
   * Whose commits may ask for tasks (from the clone's git config), and the signatures
   * src/git/verify.ts found when the policy asks for them. Without it every commit counts.
   */
  trust?: { policy: TrustPolicy; signatures?: ReadonlyMap<string, SignatureStatus> };
}

export interface Plan {
  tasks: TaskSpec[];
  invalid: InvalidTask[];
  /** Tasks whose requester the trust policy does not accept: recorded, never run. */
  refused: RefusedTask[];
}

/**
 * Everything the watched branch asks for: file tasks in file order (a task's scheduled run,
 * if one is due, right after it), then trailer tasks, oldest commit first.
 */
export function planTasks(input: PlanInput): Plan {
  const fromFile = input.taskFile === undefined ? { tasks: [], invalid: [], refused: [] } : planFileTasks(input, input.taskFile);
  const defaults = input.taskFile?.parse.file?.defaults ?? {};
  const fromTrailers = input.commits.map((commit) => planTrailerTasks(input, commit, defaults));
  return {
    tasks: [...fromFile.tasks, ...fromTrailers.flatMap((plan) => plan.tasks)],
    invalid: fromFile.invalid,
    refused: [...fromFile.refused, ...fromTrailers.flatMap((plan) => plan.refused)],
  };
}

function planFileTasks(input: PlanInput, taskFile: NonNullable<PlanInput["taskFile"]>): Plan {
  const { baseRef, tip, prefix, envSettings } = input;
  const { parse, blobSha, lastCommit } = taskFile;
  if (parse.file === undefined) {
    return { tasks: [], invalid: [{ id: taskFileErrorId(blobSha), baseRef, base: tip, problems: parse.errors }], refused: [] };
  }
  const { defaults } = parse.file;
  // The file's content defines its tasks, whoever touched it last. Even when that was the
  // bot (a merged result that edited the file), the tasks were written and merged by
  // people, and an unchanged definition keeps its hash, so nothing runs twice.
  const requester: Requester = lastCommit === undefined ? { sha: tip, name: "unknown", email: "" } : requesterOf(lastCommit);
  const tasks = Object.entries(parse.file.tasks).flatMap(([key, def]): TaskSpec[] => {
    const hash = definitionHash(def, defaults);
    const id = fileTaskId(key, hash);
    const settings = resolveSettings(def, defaults, envSettings);
    const spec: TaskSpec = { id, kind: "file", key, hash, branch: `${prefix}${key}`, baseRef, base: tip, requester: { ...requester }, prompt: def.prompt, settings };
    const scheduled = scheduledRun(spec, def, lastCommit, input.now);
    return scheduled === undefined ? [spec] : [spec, scheduled];
  });
  const invalid = Object.entries(parse.invalidTasks).map(([key, problems]): InvalidTask => {
    // A caller's bare ParseResult has no raw hashes; its problems still name the version.
    const hash = parse.invalidTaskHashes?.[key] ?? rawTaskHash(problems);
    const id = taskKeyProblem(key) === undefined ? fileTaskId(key, hash) : invalidKeyTaskId(key);
    return { id, key, baseRef, base: tip, problems };
  });
  // Under a trust policy that last commit is judged like any other, the bot's included: its
  // email is as easy to type as anyone's. Invalid tasks run nothing and stay recorded.
  const verdict = trustOf(input, lastCommit);
  if (verdict.trusted) return { tasks, invalid, refused: [] };
  const refused = tasks.filter((spec) => spec.scheduledFor === undefined).map((spec) => refusal(spec, verdict.reason));
  return { tasks: [], invalid, refused };
}

/**
 * The run a schedule asks for now, if any: the latest fire time after this version of the
 * file was committed, so committing a nightly task at 10:00 does not also make a run for
 * 02:00 that morning, and a daemon that was off for a week runs it once. Its id names the
 * instant, so each instant runs once however often the branch is planned.
 */
function scheduledRun(spec: TaskSpec, def: FileTaskDefinition, lastCommit: CommitRecord | undefined, now: Date | undefined): TaskSpec | undefined {
  if (now === undefined || def.schedule === undefined || cronProblem(def.schedule) !== undefined) return undefined;
  // Without the commit we cannot tell when this version began; count from now (no run yet).
  const versionStart = lastCommit === undefined ? now : new Date(lastCommit.committedAt * 1000);
  const due = lastDue(def.schedule, versionStart, now);
  if (due === undefined) return undefined;
  return { ...spec, id: `${spec.id}-at-${scheduleStamp(due)}`, requester: { ...spec.requester }, settings: structuredClone(spec.settings), scheduledFor: due.toISOString() };
}

function planTrailerTasks(input: PlanInput, commit: CommitRecord, defaults: TaskSettings): Omit<Plan, "invalid"> {
  if (isBotCommit(commit, input.botEmail)) return { tasks: [], refused: [] };
  const tasks = taskInstructions(commit).map((prompt, index): TaskSpec => {
    const id = trailerTaskId(prompt, commit.sha, index);
    return {
      id,
      kind: "trailer",
      hash: `${commit.sha}:${index}`,
      branch: `${input.prefix}${id}`,
      baseRef: input.baseRef,
      // The agent starts from the commit that asked, which is what its author saw.
      base: commit.sha,
      requester: requesterOf(commit),
      prompt,
      settings: resolveSettings({}, defaults, input.envSettings),
    };
  });
  const verdict = trustOf(input, commit);
  return verdict.trusted ? { tasks, refused: [] } : { tasks: [], refused: tasks.map((spec) => refusal(spec, verdict.reason)) };
}

function trustOf(input: PlanInput, commit: CommitRecord | undefined): TrustVerdict {
  if (input.trust === undefined) return { trusted: true };
  const { policy, signatures } = input.trust;
  if (commit !== undefined) return judgeTrust({ ...commit, signature: signatures?.get(commit.sha) }, policy);
  if (policy.authors.length === 0 && !policy.signed) return { trusted: true };
  return { trusted: false, reason: "the commit that last changed the task file could not be read, so its author cannot be checked against the trust policy" };
}

function refusal(spec: TaskSpec, reason: string): RefusedTask {
  const { id, key, baseRef, base, requester, prompt } = spec;
  return { id, ...(key === undefined ? {} : { key }), baseRef, base, requester: { ...requester }, reason, prompt };
}

function requesterOf(commit: CommitRecord): Requester {
  return { sha: commit.sha, name: commit.authorName, email: commit.authorEmail };
}
