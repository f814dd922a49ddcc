import { isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { Document, Node, Pair, YAMLError, YAMLMap } from "yaml";
import type { Locate } from "./problem.ts";
import type { Problem } from "./types.ts";
import { checkBytes } from "./bytes.ts";

/** Expanding more aliases than this is treated as a "billion laughs" attack, not a task file. */
const MAX_ALIAS_COUNT = 100;
/** One broken bracket can make yaml report hundreds of errors; the first few say enough. */
const MAX_YAML_ERRORS = 5;

type ToPosition = (offset: number) => { line: number; column: number };

export interface DuplicateKey {
  /** Path of the mapping that holds the key twice. */
  path: string[];
  key: string;
  lines: number[];
  /** Where the second definition is. */
  line: number;
  column: number;
}

export interface LoadedYaml {
  /** The document as plain data (yaml's toJS: the last of duplicate keys wins). */
  value: unknown;
  locate: Locate;
  duplicates: DuplicateKey[];
  warnings: Problem[];
}

/** Bytes to a YAML document and its plain value; every failure becomes a Problem. */
export function loadYaml(content: string | Uint8Array, fileName: string): LoadedYaml | { errors: Problem[] } {
  const text = checkBytes(content, fileName);
  if (typeof text !== "string") return { errors: [text] };
  const lineCounter = new LineCounter();
  // Duplicate keys are found below instead: yaml's uniqueKeys error would sink the whole
  // file, while a task key defined twice should only sink that task.
  // prettyErrors is off because it formats a code excerpt for every error, and a file of
  // 200k "[" makes hundreds of them (seconds of work); positions come from lineCounter.
  // logLevel "silent": a pure parser prints nothing (yaml would warn on stderr itself).
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false, lineCounter, logLevel: "silent" });
  const position: ToPosition = (offset) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const warnings = doc.warnings.map((w) => yamlProblem(w, "YAML warning", position));
  if (doc.errors.length > 0) return { errors: doc.errors.slice(0, MAX_YAML_ERRORS).map((e) => yamlProblem(e, "invalid YAML", position)) };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      errors: [{ message: `${fileName} could not be read as data: ${reason}`, line: 1, column: 1, hint: "write values out instead of repeating anchors and aliases" }],
    };
  }
  return { value, locate: makeLocate(doc, position), duplicates: findDuplicateKeys(doc, position), warnings };
}

function yamlProblem(error: YAMLError, prefix: string, position: ToPosition): Problem {
  const first = (error.message.split("\n")[0] ?? "").slice(0, 200);
  return { message: `${prefix}: ${first}`, ...position(error.pos[0]) };
}

/** The key as yaml's toJS names it in the plain object; undefined for collection keys. */
function keyName(key: unknown): string | undefined {
  if (!isScalar(key)) return undefined;
  return key.value === null || key.value === undefined ? "" : String(key.value);
}

function makeLocate(doc: Document, position: ToPosition): Locate {
  // Per mapping, key name to its last pair (the one toJS kept): a file with thousands of
  // tasks and a problem in each must not search the tasks mapping once per problem.
  const indexes = new WeakMap<YAMLMap, Map<string, Pair>>();
  const pairOf = (map: YAMLMap, name: string): Pair | undefined => {
    let index = indexes.get(map);
    if (index === undefined) {
      index = new Map();
      for (const pair of map.items) {
        const key = keyName(pair.key);
        if (key !== undefined) index.set(key, pair);
      }
      indexes.set(map, index);
    }
    return index.get(name);
  };
  return (path, at) => {
    let node: unknown = doc.contents;
    let keyNode: unknown;
    let complete = true;
    for (const segment of path) {
      const pair = isMap(node) ? pairOf(node, segment) : undefined;
      const item = isSeq(node) ? node.items[Number(segment)] : undefined;
      if (pair !== undefined) [keyNode, node] = [pair.key, pair.value];
      else if (item !== undefined) [keyNode, node] = [undefined, item];
      else {
        complete = false;
        break;
      }
    }
    const valueStart = startOf(node);
    const keyStart = startOf(keyNode);
    // An empty value (`prompt:`) has no text of its own; its key is what a person looks for.
    const start = complete && at === "key" ? (keyStart ?? valueStart) : (valueStart ?? keyStart);
    return start === undefined ? { line: 1, column: 1 } : position(start);
  };
}

/** Where a node's text starts; undefined for a missing or empty node. */
function startOf(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range === undefined || range === null || range[0] === range[1] ? undefined : range[0];
}

/** Every mapping key given more than once, anywhere in the document, in document order. */
function findDuplicateKeys(doc: Document, position: ToPosition): DuplicateKey[] {
  const duplicates: DuplicateKey[] = [];
  // Iterative: nesting depth is the author's choice and must not exhaust our stack.
  const stack: { node: unknown; path: string[] }[] = [{ node: doc.contents, path: [] }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { node, path } = item;
    if (isSeq(node)) node.items.forEach((child, i) => stack.push({ node: child, path: [...path, String(i)] }));
    if (!isMap(node)) continue;
    const offsets = new Map<string, number[]>();
    for (const pair of node.items) {
      const key = keyName(pair.key);
      if (key === undefined) continue;
      offsets.set(key, [...(offsets.get(key) ?? []), (pair.key as Node).range?.[0] ?? 0]);
      stack.push({ node: pair.value, path: [...path, key] });
    }
    for (const [key, at] of offsets) {
      if (at.length < 2) continue;
      duplicates.push({ path, key, lines: at.map((o) => position(o).line), ...position(at[1] as number) });
    }
  }
  return duplicates.sort((a, b) => a.line - b.line || a.column - b.column);
}
