/**
 * Checks requests and responses of the GitHub stand-in against GitHub's own OpenAPI
 * description, so a request the real API would refuse fails the test even though the
 * stand-in could have accepted it. The operations come from a vendored extract (see
 * scripts/extract-github-schemas.ts), so the tests need no copy of the 385 MB package.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { translate } from "./openapi-translate.ts";

const FIXTURE_PATH = fileURLToPath(new URL("../fixtures/github-request-schemas.json", import.meta.url));
const SPEC_ID = "https://github.local/openapi.json";

/** The operations the stand-in serves; the extract script keeps these and what they reference. */
export const GITHUB_OPERATIONS = [
  "pulls/list", "pulls/create", "pulls/get", "pulls/update",
  "issues/list-labels-for-repo", "issues/create-label", "issues/add-labels",
  "issues/list-comments", "repos/get-collaborator-permission-level", "reactions/create-for-issue-comment", "users/get-authenticated",
] as const;
export type GitHubOperation = (typeof GITHUB_OPERATIONS)[number];

export interface OperationParameter {
  name: string;
  in: "path" | "query" | "header";
  required?: boolean;
  schema: unknown;
}

export interface OperationSpec {
  method: string;
  path: string;
  parameters: OperationParameter[];
  requestBody: unknown;
  /** Status → JSON schema of the response body. */
  responses: Record<string, unknown>;
}

export interface GitHubFixture {
  source: string;
  operations: Record<GitHubOperation, OperationSpec>;
  schemas: Record<string, unknown>;
}

interface Compiled {
  fixture: GitHubFixture;
  ajv: Ajv2020;
  params: Ajv2020;
  cache: Map<string, ValidateFunction>;
}

let compiled: Compiled | undefined;

function load(): Compiled {
  if (compiled) return compiled;
  const fixture = JSON.parse(readFileSync(FIXTURE_PATH, "utf8")) as GitHubFixture;
  const defs: Record<string, unknown> = Object.fromEntries(Object.entries(fixture.schemas).map(([name, schema]) => [name, translate(schema, name)]));
  for (const [id, op] of Object.entries(fixture.operations)) {
    if (op.requestBody) defs[defName(id, "request")] = closed(translate(op.requestBody, id));
    for (const [status, schema] of Object.entries(op.responses)) defs[defName(id, status)] = translate(schema, id);
  }
  const ajv = new Ajv2020({ strict: false, validateSchema: false, validateFormats: false, logger: false, allErrors: true });
  ajv.addSchema({ $id: SPEC_ID, $defs: defs });
  // Query strings carry text: "100" is a valid integer there.
  const params = new Ajv2020({ strict: false, validateFormats: false, logger: false, coerceTypes: true, allErrors: true });
  compiled = { fixture, ajv, params, cache: new Map() };
  return compiled;
}

function defName(operation: string, part: string): string {
  return `op_${operation.replace(/[^a-z0-9]+/gi, "_")}_${part}`;
}

/**
 * GitHub ignores request properties it does not know; a misspelt one would then pass
 * unnoticed, so request bodies here admit only the properties the description lists.
 */
function closed(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closed);
  if (node === null || typeof node !== "object") return node;
  const out = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, key === "properties" ? Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, closed(v)])) : closed(value)]));
  if ("properties" in out && !("additionalProperties" in out)) out.additionalProperties = false;
  return out;
}

function errorsOf(validate: ValidateFunction, value: unknown): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || "/"} ${error.message ?? "invalid"} ${JSON.stringify(error.params)}`);
}

function validator(id: string): ValidateFunction {
  const { ajv, cache } = load();
  let validate = cache.get(id);
  if (!validate) {
    validate = ajv.getSchema(`${SPEC_ID}#/$defs/${id}`);
    if (!validate) throw new Error(`schema ${id} not found in ${FIXTURE_PATH}`);
    cache.set(id, validate);
  }
  return validate;
}

export function operationSpec(operation: GitHubOperation): OperationSpec {
  return load().fixture.operations[operation];
}

/** Problems with a request body; a body on an operation that takes none is one. */
export function requestBodyErrors(operation: GitHubOperation, body: unknown): string[] {
  if (!operationSpec(operation).requestBody) return body === undefined ? [] : ["/ this operation takes no request body"];
  if (body === undefined) return [];
  return errorsOf(validator(defName(operation, "request")), body);
}

/** Problems with a response the stand-in is about to send; statuses the description lacks are problems too. */
export function responseErrors(operation: GitHubOperation, status: number, body: unknown): string[] {
  if (!(String(status) in operationSpec(operation).responses)) return [`/ ${status} is not a documented JSON response of ${operation}`];
  return errorsOf(validator(defName(operation, String(status))), body);
}

/** Problems with path and query parameters: unknown names, missing required ones, wrong types. */
export function parameterErrors(operation: GitHubOperation, where: "path" | "query", values: Record<string, string>): string[] {
  const { params, cache } = load();
  const key = `${operation}:${where}`;
  let validate = cache.get(key);
  if (!validate) {
    const declared = operationSpec(operation).parameters.filter((param) => param.in === where);
    validate = params.compile({
      type: "object",
      properties: Object.fromEntries(declared.map((param) => [param.name, param.schema])),
      required: declared.filter((param) => param.required).map((param) => param.name),
      additionalProperties: false,
    });
    cache.set(key, validate);
  }
  return errorsOf(validate, { ...values }).map((error) => `${where} ${error}`);
}

/** Problems with a value as one of the description's component schemas (e.g. "basic-error"). */
export function componentErrors(name: string, value: unknown): string[] {
  if (!(name in load().fixture.schemas)) throw new Error(`schema ${name} not found in ${FIXTURE_PATH}`);
  return errorsOf(validator(name), value);
}
