import type { PlanStatus, PlanStep } from "./types.ts";

export interface PlanUpdate {
  plan: PlanStep[];
  explanation?: string;
}

const STATUSES: readonly PlanStatus[] = ["pending", "in_progress", "completed"];

/** Checks update_plan's arguments; a string is the error to show the model. */
export function parsePlanArgs(args: Record<string, unknown>): PlanUpdate | string {
  const { plan, explanation } = args;
  if (!Array.isArray(plan)) return 'update_plan: "plan" must be an array of {step, status}';
  const steps: PlanStep[] = [];
  for (const [index, entry] of plan.entries()) {
    const { step, status } = (entry ?? {}) as Record<string, unknown>;
    if (typeof step !== "string" || step.trim() === "") return `update_plan: plan[${index}].step must be a non-empty string`;
    if (!STATUSES.includes(status as PlanStatus)) {
      return `update_plan: plan[${index}].status must be one of ${STATUSES.join(", ")}, not ${JSON.stringify(status)}`;
    }
    steps.push({ step, status: status as PlanStatus });
  }
  if (explanation !== undefined && typeof explanation !== "string") return 'update_plan: "explanation" must be a string';
  return explanation ? { plan: steps, explanation } : { plan: steps };
}

export function summarizePlan(plan: readonly PlanStep[]): string {
  const done = plan.filter((step) => step.status === "completed").length;
  const current = plan.find((step) => step.status === "in_progress");
  return `${done}/${plan.length} done${current ? `, now: ${current.step}` : ""}`;
}
