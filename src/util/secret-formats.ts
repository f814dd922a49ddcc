/**
 * Well-known secret formats: one table for the scan of a result before it is pushed
 * (src/run/secret-scan.ts) and for scrubbing everything recorded (src/util/redact.ts).
 */

export interface Rule {
  kind: string;
  /** Plain substrings, one of which every match contains: most lines skip the expression. */
  hints: readonly string[];
  pattern: RegExp;
  /** Rejects look-alikes the expression alone cannot: example keys, kebab-case names. */
  accept?: (match: string) => boolean;
}

export const mixed = (text: string): boolean => /[0-9]/.test(text) && /[a-z]/.test(text) && /[A-Z]/.test(text);

export const SECRET_RULES: readonly Rule[] = [
  { kind: "private key", hints: ["PRIVATE KEY"], pattern: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----/ },
  { kind: "AWS access key id", hints: ["AKIA", "ASIA"], pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, accept: (m) => !m.endsWith("EXAMPLE") },
  { kind: "GitHub token", hints: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"], pattern: /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/ },
  { kind: "GitHub fine-grained token", hints: ["github_pat_"], pattern: /\bgithub_pat_[A-Za-z0-9_]{40,255}\b/ },
  { kind: "GitLab token", hints: ["glpat-"], pattern: /\bglpat-[A-Za-z0-9_-]{20,}/ },
  { kind: "Anthropic API key", hints: ["sk-ant-"], pattern: /\bsk-ant-[A-Za-z0-9_-]{32,}/ },
  { kind: "OpenAI API key", hints: ["sk-"], pattern: /\bsk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{32,}/, accept: mixed },
  { kind: "Slack token", hints: ["xox"], pattern: /\bxox[abpr]-[A-Za-z0-9-]{10,}/ },
  { kind: "Slack webhook", hints: ["hooks.slack.com"], pattern: /hooks\.slack\.com\/services\/T[A-Za-z0-9_]+\/B[A-Za-z0-9_]+\/[A-Za-z0-9_]+/ },
  { kind: "Google API key", hints: ["AIza"], pattern: /\bAIza[0-9A-Za-z_-]{35}/ },
  { kind: "Stripe live key", hints: ["_live_"], pattern: /\b[rs]k_live_[0-9A-Za-z]{24,}/ },
  { kind: "npm token", hints: ["npm_"], pattern: /\bnpm_[A-Za-z0-9]{36}\b/ },
];


// A private key is scrubbed whole, from its BEGIN line to its END line (or the end of the text).
const PRIVATE_KEY_BLOCK = /-----BEGIN [A-Z ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY(?: BLOCK)?-----|$)/g;

/** Replaces every well-known secret in `text` with `replacement`. */
export function scrubSecretFormats(text: string, replacement: string): string {
  let result = text.replace(PRIVATE_KEY_BLOCK, replacement);
  for (const rule of SECRET_RULES) {
    if (!rule.hints.some((hint) => result.includes(hint))) continue;
    const global = new RegExp(rule.pattern.source, rule.pattern.flags.includes("g") ? rule.pattern.flags : rule.pattern.flags + "g");
    result = result.replace(global, (match) => (rule.accept && !rule.accept(match) ? match : replacement));
  }
  return result;
}
