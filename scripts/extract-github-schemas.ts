/**
 * Writes test/fixtures/github-request-schemas.json: for each operation the GitHub stand-in
 * serves, its parameters, request body and JSON response schemas, plus every component
 * schema they reference, cut from GitHub's OpenAPI description (13 MB, in the 385 MB
 * @octokit/openapi package) so a clone needs no copy of it. Schemas are kept as GitHub
 * wrote them; test/helpers/github-spec.ts translates them when it compiles them, so a
 * re-run after an upstream update gives a plain diff.
 *
 *   node scripts/extract-github-schemas.ts [path-to/api.github.com.json]
 */
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { GITHUB_OPERATIONS, type OperationSpec } from "../test/helpers/github-spec.ts";
import { componentRefs } from "../test/helpers/openapi-translate.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUT = fileURLToPath(new URL("../test/fixtures/github-request-schemas.json", import.meta.url));

type Node = Record<string, unknown>;
interface Operation {
  operationId?: string;
  parameters?: Node[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, Node>;
}
interface OpenApiDoc {
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation | Node[]>>;
  components: { schemas: Record<string, unknown>; parameters: Record<string, Node>; responses: Record<string, Node> };
}

const input = process.argv[2] ? resolve(process.argv[2]) : resolve(ROOT, "node_modules/@octokit/openapi/generated/api.github.com.json");
const doc = JSON.parse(readFileSync(input, "utf8")) as OpenApiDoc;

/** Follows a `#/components/<kind>/<name>` reference, which parameters and responses use. */
function deref(node: Node): Node {
  const ref = node.$ref;
  if (typeof ref !== "string") return node;
  const [, , kind, name] = ref.split("/");
  const target = (doc.components as unknown as Record<string, Record<string, Node>>)[kind ?? ""]?.[name ?? ""];
  if (!target) throw new Error(`${input}: ${ref} does not resolve`);
  return deref(target);
}

const operations: Record<string, OperationSpec> = {};
for (const [path, item] of Object.entries(doc.paths)) {
  const shared = Array.isArray(item.parameters) ? item.parameters : [];
  for (const [method, value] of Object.entries(item)) {
    if (Array.isArray(value) || !GITHUB_OPERATIONS.includes(value.operationId as never)) continue;
    const op = value as Operation;
    const parameters = [...shared, ...(op.parameters ?? [])].map(deref).map(({ name, in: where, required, schema }) => ({ name, in: where, required, schema }));
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(op.responses ?? {})) {
      const schema = (deref(response).content as Record<string, { schema?: unknown }> | undefined)?.["application/json"]?.schema;
      if (schema !== undefined) responses[status] = schema;
    }
    operations[op.operationId as string] = {
      method,
      path,
      parameters: parameters as OperationSpec["parameters"],
      requestBody: op.requestBody?.content?.["application/json"]?.schema ?? null,
      responses,
    };
  }
}
const missing = GITHUB_OPERATIONS.filter((id) => !(id in operations));
if (missing.length > 0) throw new Error(`${input} has no operation ${missing.join(", ")}`);

// Everything the operations reach, so every $ref in the extract resolves inside it.
const picked = new Map<string, unknown>();
const pending = [...componentRefs(operations)];
for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
  if (picked.has(name)) continue;
  const schema = doc.components.schemas[name];
  if (schema === undefined) throw new Error(`${input} has no components.schemas.${name}`);
  picked.set(name, schema);
  pending.push(...componentRefs(schema));
}

// Sorted so a re-run over the same description writes the same bytes.
const sorted = <T>(entries: Iterable<[string, T]>): Record<string, T> => Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
const source =
  `${relative(ROOT, input)} (${doc.info.title}, info.version ${doc.info.version}): ` +
  `operations ${GITHUB_OPERATIONS.join(", ")} (parameters, JSON request body, JSON responses) ` +
  `plus every schema they reference, unchanged; written by scripts/extract-github-schemas.ts`;
mkdirSync(dirname(OUT), { recursive: true });
// One-space indentation: small, yet an upstream update still diffs line by line.
writeFileSync(OUT, `${JSON.stringify({ source, operations: sorted(Object.entries(operations)), schemas: sorted(picked) }, null, 1)}\n`);
console.log(`${relative(ROOT, OUT)}: ${Object.keys(operations).length} operations, ${picked.size} of ${Object.keys(doc.components.schemas).length} schemas`);
