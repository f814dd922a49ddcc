/**
 * Validates request bodies against OpenAI's own OpenAPI description, so the tests catch a
 * request the real API would reject even though the scripted server accepts anything.
 * The schemas come from a vendored extract (see scripts/extract-openai-schemas.ts), so the
 * tests do not depend on where the full description lives.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { translate } from "./openapi-translate.ts";

// Read at run time rather than imported, so tsc does not infer a type for the whole file.
const FIXTURE_PATH = fileURLToPath(new URL("../fixtures/openai-request-schemas.json", import.meta.url));
const SPEC_ID = "https://openai.local/openapi.json";

/** The request schemas the tests validate against; the extract script keeps these and what they reference. */
export const SPEC_SCHEMAS = ["CreateResponse", "CreateChatCompletionRequest", "CreateImageRequest"] as const;
export type SpecSchema = (typeof SPEC_SCHEMAS)[number];

interface Compiled {
  ajv: Ajv2020;
  validators: Map<SpecSchema, ValidateFunction>;
}

let compiled: Compiled | undefined;

/** Loads the schemas once per test file; compiling a schema takes a few seconds. */
function load(): Compiled {
  if (compiled) return compiled;
  const fixture = JSON.parse(readFileSync(FIXTURE_PATH, "utf8")) as { schemas: Record<string, unknown> };
  // The description breaks a few meta-schema rules (duplicate `required` entries) that do
  // not matter for validating data, so it is compiled without checking it first.
  const ajv = new Ajv2020({ strict: false, validateSchema: false, validateFormats: false, logger: false });
  const defs = Object.fromEntries(Object.entries(fixture.schemas).map(([name, schema]) => [name, translate(schema, name)]));
  ajv.addSchema({ $id: SPEC_ID, $defs: defs });
  compiled = { ajv, validators: new Map() };
  return compiled;
}

/** The validation errors of `body` as readable lines; empty when it is valid. */
export function specErrors(schema: SpecSchema, body: unknown): string[] {
  const { ajv, validators } = load();
  let validate = validators.get(schema);
  if (!validate) {
    validate = ajv.getSchema(`${SPEC_ID}#/$defs/${schema}`);
    if (!validate) throw new Error(`schema ${schema} not found in ${FIXTURE_PATH}`);
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
