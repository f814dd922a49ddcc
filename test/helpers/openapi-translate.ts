/**
 * What OpenAI's OpenAPI description means by its references and leftovers, kept in one place
 * for both the extract script (which follows the references) and the test helper (which
 * compiles the schemas with ajv).
 */

const COMPONENT_REF = "#/components/schemas/";

/** Names of the component schemas `node` refers to; `$recursiveRef: "#"` is the schema itself, so it adds none. */
export function componentRefs(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const entry of node) componentRefs(entry, found);
  else if (node !== null && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string" && value.startsWith(COMPONENT_REF)) found.add(value.slice(COMPONENT_REF.length));
      else componentRefs(value, found);
    }
  }
  return found;
}

/**
 * OpenAPI 3.0 and draft 2019-09 leftovers into JSON Schema 2020-12: `nullable`, component
 * refs (to `#/$defs/`), and `$recursiveRef: "#"`, which means the component `name` itself.
 */
export function translate(node: unknown, name: string): unknown {
  if (Array.isArray(node)) return node.map((entry) => translate(entry, name));
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "$ref" && typeof value === "string") out[key] = value.replace(COMPONENT_REF, "#/$defs/");
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
