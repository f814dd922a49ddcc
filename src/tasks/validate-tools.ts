import { describeValue } from "./describe.ts";
import { didYouMean } from "./did-you-mean.ts";
import { fieldProblem } from "./scope.ts";
import type { Scope } from "./scope.ts";
import type { OptionalTool, Problem, TaskSettings } from "./types.ts";
import { validateMcp } from "./validate-mcp.ts";

/** The settings keys of optional tools, as written in the task file. */
export const TOOL_SETTINGS_KEYS = ["mcp", "tools", "image_model"] as const;
export const OPTIONAL_TOOLS: readonly OptionalTool[] = ["web_fetch", "image"];

/** Validates `mcp:`, `tools:` and `image_model:` where present; other keys are the caller's business. */
export function validateToolSettings(raw: Record<string, unknown>, scope: Scope, problems: Problem[]): Pick<TaskSettings, "mcp" | "tools" | "imageModel"> {
  const settings: Pick<TaskSettings, "mcp" | "tools" | "imageModel"> = {};
  if (Object.hasOwn(raw, "mcp")) {
    const mcp = validateMcp(raw.mcp, scope, problems, { source: "task-file" });
    if (mcp) settings.mcp = mcp;
  }
  if (Object.hasOwn(raw, "tools")) {
    const tools = validateTools(raw.tools, scope, problems);
    if (tools) settings.tools = tools;
  }
  if (Object.hasOwn(raw, "image_model")) {
    const model = raw.image_model;
    if (typeof model === "string" && model.trim() !== "") settings.imageModel = model.trim();
    else problems.push(fieldProblem(scope, ["image_model"], `image_model in ${scope.label} must be a non-empty string, got ${describeValue(model)}`, "e.g. image_model: gpt-image-1"));
  }
  return settings;
}

function validateTools(raw: unknown, scope: Scope, problems: Problem[]): OptionalTool[] | undefined {
  const hint = `optional tools: ${OPTIONAL_TOOLS.join(", ")}; MCP servers go under mcp:`;
  if (!Array.isArray(raw)) {
    problems.push(fieldProblem(scope, ["tools"], `tools in ${scope.label} must be a list of tool names, got ${describeValue(raw)}`, hint));
    return undefined;
  }
  const bad = raw.flatMap((tool: unknown, i): Problem[] => {
    if (typeof tool === "string" && (OPTIONAL_TOOLS as readonly string[]).includes(tool)) return [];
    const guess = typeof tool === "string" ? didYouMean(tool, OPTIONAL_TOOLS) : undefined;
    return [fieldProblem(scope, ["tools", String(i)], `tools entry ${i + 1} in ${scope.label} is not an optional tool: ${describeValue(tool)}`, guess ?? hint)];
  });
  problems.push(...bad);
  return bad.length === 0 ? [...new Set(raw as OptionalTool[])] : undefined;
}
