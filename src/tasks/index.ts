/** src/tasks: the pure intake. Task files and trailers in, plain task specs out. */
export { parseTaskFile, MAX_TASK_FILE_BYTES } from "./task-file.ts";
export { formatProblem } from "./problem.ts";
export { taskInstructions, isBotCommit } from "./trailers.ts";
export { slugify, definitionHash, fileTaskId, trailerTaskId, invalidKeyTaskId, taskFileErrorId } from "./ids.ts";
export { BUILTIN_SETTINGS, resolveSettings } from "./settings.ts";
export type { BuiltinSettings } from "./settings.ts";
export { planTasks } from "./plan.ts";
export { lastDue, nextDue, nextScheduledRun, scheduleStamp } from "./schedule.ts";
export type { Plan, PlanInput } from "./plan.ts";
export { INIT_TEMPLATE } from "./init-template.ts";
export { taskKeyProblem } from "./task-key.ts";
export { judgeTrust, emailMatches, OPEN_TRUST } from "./trust.ts";
export type { TrustVerdict } from "./trust.ts";
export { pathMatches, pathLeadsTo, isGitFolderName } from "./path-glob.ts";
export type * from "./types.ts";
export { planFollowUps, followUpPrompt } from "./follow-ups.ts";
export type { FollowUpInput } from "./follow-ups.ts";
