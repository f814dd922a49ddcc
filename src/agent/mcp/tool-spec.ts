/**
 * What an MCP server says about a tool, made safe to put in a model request: the name in
 * the charset and length the APIs accept, a bounded description, and a parameters schema
 * the Responses and Chat APIs take (an object schema at the top, of bounded size).
 */
import { createHash } from "node:crypto";
import type { ToolSpec } from "../types.ts";

const MAX_NAME = 64;
const MAX_DESCRIPTION = 2000;
const MAX_SCHEMA_CHARS = 16_000;
const OPEN_SCHEMA = { type: "object", properties: {}, additionalProperties: true };

export interface ListedTool {
  name: string;
  description?: string | undefined;
  inputSchema: unknown;
}

/** `mcp__<server>__<tool>` in [A-Za-z0-9_-], at most 64 characters, distinct from every name in `taken`. */
export function mcpToolName(server: string, tool: string, taken: ReadonlySet<string>): string {
  const clean = (text: string): string => text.replace(/[^A-Za-z0-9_-]/g, "_");
  const name = `mcp__${clean(server)}__${clean(tool)}`;
  if (name.length <= MAX_NAME && !taken.has(name)) return name;
  // Cut, or collided after cleaning: a hash of the original pair keeps it distinct and stable.
  const hash = createHash("sha256").update(`${server}\0${tool}`).digest("hex").slice(0, 8);
  return `${name.slice(0, MAX_NAME - hash.length - 1)}_${hash}`;
}

/** The spec offered to the model for one MCP tool. */
export function mcpToolSpec(server: string, tool: ListedTool, name: string): ToolSpec {
  const { parameters, note } = toolParameters(tool.inputSchema);
  const text = `[MCP server "${server}", tool "${tool.name}"] ${tool.description?.trim() ?? ""}`.trim();
  const description = text.length > MAX_DESCRIPTION ? `${text.slice(0, MAX_DESCRIPTION - 1)}…` : text;
  return { name, description: note ? `${description}\n(${note})` : description, parameters };
}

/**
 * The top level is rebuilt from `properties` and `required` (plus `$defs` for references),
 * since the APIs refuse anything but an object schema there; what is below is kept as
 * the server wrote it. A schema too large for a request becomes an open object.
 */
export function toolParameters(schema: unknown): { parameters: Record<string, unknown>; note?: string } {
  if (!isObject(schema)) return { parameters: { ...OPEN_SCHEMA }, note: "the server gave no input schema" };
  const properties = isObject(schema.properties) && Object.values(schema.properties).every(isObject) ? schema.properties : {};
  const parameters: Record<string, unknown> = { type: "object", properties };
  if (Array.isArray(schema.required)) {
    const required = schema.required.filter((key): key is string => typeof key === "string" && Object.hasOwn(properties, key));
    if (required.length > 0) parameters.required = [...new Set(required)];
  }
  if (typeof schema.additionalProperties === "boolean") parameters.additionalProperties = schema.additionalProperties;
  for (const key of ["$defs", "definitions"]) if (isObject(schema[key])) parameters[key] = schema[key];
  if (JSON.stringify(parameters).length > MAX_SCHEMA_CHARS) {
    return { parameters: { ...OPEN_SCHEMA }, note: `its input schema is over ${MAX_SCHEMA_CHARS} characters and was left out` };
  }
  return { parameters };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
