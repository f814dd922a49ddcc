/** Finds secrets a result would commit, before anything is pushed. */
import { SECRET_RULES as RULES } from "../util/secret-formats.ts";

export interface AddedText {
  path: string;
  /** The lines the result adds to the file. */
  addedLines: readonly string[];
  /** Line numbers in the new file, parallel to addedLines; without them, positions count from 1. */
  lineNumbers?: readonly number[];
}

/** Where a secret is and what kind it is; never the secret itself. */
export interface SecretFinding {
  path: string;
  line: number;
  kind: string;
}

/**
 * Every added line that holds a well-known secret format, or one of `known` (the
 * secret values of the bot's own environment), once per line and kind.
 */
export function scanForSecrets(files: readonly AddedText[], known: readonly string[] = []): SecretFinding[] {
  const values = known.filter((value) => value.length >= 8);
  const findings: SecretFinding[] = [];
  for (const file of files) {
    file.addedLines.forEach((text, index) => {
      const line = file.lineNumbers?.[index] ?? index + 1;
      for (const kind of lineKinds(text, values)) findings.push({ path: file.path, line, kind });
    });
  }
  return findings;
}

function lineKinds(text: string, known: readonly string[]): string[] {
  const kinds: string[] = [];
  for (const rule of RULES) {
    if (!rule.hints.some((hint) => text.includes(hint))) continue;
    const found = new RegExp(rule.pattern.source, "g");
    for (const match of text.matchAll(found)) {
      if (rule.accept?.(match[0]) ?? true) {
        kinds.push(rule.kind);
        break;
      }
    }
  }
  if (known.some((value) => text.includes(value))) kinds.push("secret from the bot's environment");
  return kinds;
}

/** One line per finding, for a refusal record: where and what, never the value. */
export function describeFindings(findings: readonly SecretFinding[], max = 20): string[] {
  const lines = findings.slice(0, max).map((f) => `${JSON.stringify(f.path)} line ${f.line}: ${f.kind}`);
  if (findings.length > max) lines.push(`… and ${findings.length - max} more`);
  return lines;
}
