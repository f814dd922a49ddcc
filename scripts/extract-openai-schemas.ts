/**
 * Writes test/fixtures/openai-request-schemas.json: the request schemas the tests validate
 * against, cut from OpenAI's 2.8 MB OpenAPI description so a clone needs no copy of it.
 * The schemas are kept as OpenAI wrote them; test/helpers/openai-spec.ts translates them
 * when it compiles them, so re-running this after an upstream update gives a plain diff.
 *
 *   node scripts/extract-openai-schemas.ts [path-to-openapi.yml]
 */
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { SPEC_SCHEMAS } from "../test/helpers/openai-spec.ts";
import { componentRefs } from "../test/helpers/openapi-translate.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUT = fileURLToPath(new URL("../test/fixtures/openai-request-schemas.json", import.meta.url));

interface OpenApiDoc {
  info: { title: string; version: string };
  components: { schemas: Record<string, unknown> };
}

const input = process.argv[2] ? resolve(process.argv[2]) : resolve(ROOT, "../shared/specs/openai-openapi.yml");
const doc = parse(readFileSync(input, "utf8"), { maxAliasCount: -1 }) as OpenApiDoc;
const all = doc.components.schemas;

// Everything the roots reach, so every $ref in the extract resolves inside it.
const picked = new Map<string, unknown>();
const pending: string[] = [...SPEC_SCHEMAS];
for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
  if (picked.has(name)) continue;
  const schema = all[name];
  if (schema === undefined) throw new Error(`${input} has no components.schemas.${name}`);
  picked.set(name, schema);
  pending.push(...componentRefs(schema));
}

// Sorted so a re-run over the same description writes the same bytes.
const schemas = Object.fromEntries([...picked].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
const source =
  `${relative(ROOT, input)} (${doc.info.title}, info.version ${doc.info.version}): ` +
  `${SPEC_SCHEMAS.join(" and ")} plus every schema they reference, unchanged; ` +
  `written by scripts/extract-openai-schemas.ts`;
mkdirSync(dirname(OUT), { recursive: true });
// One-space indentation: small, yet an upstream update still diffs line by line.
writeFileSync(OUT, `${JSON.stringify({ source, schemas }, null, 1)}\n`);
console.log(`${relative(ROOT, OUT)}: ${picked.size} of ${Object.keys(all).length} schemas`);
