/**
 * Validates request bodies against OpenAI's own OpenAPI description, so the tests catch a
 * request the real API would reject even though the scripted server accepts anything.
 */
import { readFileSync } from "node:fs";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { parse } from "yaml";

const SPEC_PATH = "/work/shared/specs/openai-openapi.yml";
const SPEC_ID = "https://openai.local/openapi.json";

export type SpecSchema = "CreateResponse" | "CreateChatCompletionRequest";

interface Compiled {
  ajv: Ajv2020;
  validators: Map<SpecSchema, ValidateFunction>;
}

let compiled: Compiled | undefined;

/** Loads the description once per test file; compiling a schema takes a few seconds. */
function load(): Compiled {
  if (compiled) return compiled;
  const doc = parse(readFileSync(SPEC_PATH, "utf8"), { maxAliasCount: -1 }) as { components: { schemas: Record<string, unknown> } };
  // The description breaks a few meta-schema rules (duplicate `required` entries) that do
  // not matter for validating data, so it is compiled without checking it first.
  const ajv = new Ajv2020({ strict: false, validateSchema: false, validateFormats: false, logger: false });
  const defs = Object.fromEntries(Object.entries(doc.components.schemas).map(([name, schema]) => [name, translate(schema, name)]));
  ajv.addSchema({ $id: SPEC_ID, $defs: defs });
  compiled = { ajv, validators: new Map() };
  return compiled;
}

/**
 * OpenAPI 3.0 and draft 2019-09 leftovers into JSON Schema 2020-12: `nullable`, component
 * refs, and `$recursiveRef: "#"`, which means the component `name` itself.
 */
function translate(node: unknown, name: string): unknown {
  if (Array.isArray(node)) return node.map((entry) => translate(entry, name));
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "$ref" && typeof value === "string") out[key] = value.replace("#/components/schemas/", "#/$defs/");
    else if (key === "$recursiveRef") out.$ref = `#/$defs/${name}`;
    else if (key !== "nullable" && key !== "$recursiveAnchor") out[key] = translate(value, name);
  }
  if ((node as Record<string, unknown>).nullable !== true) return out;
  if (typeof out.type === "string") out.type = [out.type, "null"];
  else if (Array.isArray(out.type)) out.type = [...out.type, "null"];
  else return { anyOf: [out, { type: "null" }] };
  if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
  return out;
}

/** The validation errors of `body` as readable lines; empty when it is valid. */
export function specErrors(schema: SpecSchema, body: unknown): string[] {
  const { ajv, validators } = load();
  let validate = validators.get(schema);
  if (!validate) {
    validate = ajv.getSchema(`${SPEC_ID}#/$defs/${schema}`);
    if (!validate) throw new Error(`schema ${schema} not found in ${SPEC_PATH}`);
    validators.set(schema, validate);
  }
  if (validate(body)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || "/"} ${error.message ?? "invalid"} ${JSON.stringify(error.params)}`);
}

/** Throws with every problem when a recorded request is not a valid OpenAI request. */
export function assertValidRequest(api: "responses" | "chat", body: unknown): void {
  const errors = specErrors(api === "responses" ? "CreateResponse" : "CreateChatCompletionRequest", body);
  if (errors.length > 0) throw new Error(`request does not match OpenAI's spec:\n${errors.join("\n")}\n${JSON.stringify(body).slice(0, 2000)}`);
}
