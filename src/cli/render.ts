import type { TranscriptEntry } from "../agent/types.ts";
import type { TaskStatus } from "../run/task-status.ts";

export interface TaskRow {
  id: string;
  status: TaskStatus["state"];
  kind?: "file" | "trailer";
  key?: string;
  branch?: string;
  commit?: string;
  base: string;
  baseRef: string;
  reason?: string;
  verify?: string;
  usage?: TaskStatus["usage"];
  pullRequest?: string;
  /** Why there is no pull request. */
  pullRequestNote?: string;
  updatedAt: string;
}

export function toRow(status: TaskStatus): TaskRow {
  return {
    id: status.id,
    status: status.state,
    ...(status.spec ? { kind: status.spec.kind } : {}),
    ...(status.spec?.key ? { key: status.spec.key } : {}),
    ...(status.branch ? { branch: status.branch } : {}),
    ...(status.commit ? { commit: status.commit } : {}),
    base: status.base,
    baseRef: status.baseRef,
    ...(status.reason ? { reason: status.reason } : {}),
    ...(status.verify ? { verify: status.verify } : {}),
    ...(status.usage ? { usage: status.usage } : {}),
    ...(status.pullRequest ? { pullRequest: status.pullRequest.url } : {}),
    ...(status.pullRequestNote ? { pullRequestNote: status.pullRequestNote } : {}),
    updatedAt: status.updatedAt,
  };
}

/** A plain-text table, columns padded to their widest cell. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n") + "\n";
}

export function statusTable(statuses: TaskStatus[]): string {
  if (statuses.length === 0) return "No tasks recorded yet.\n";
  const rows = statuses.map((s) => [s.id, s.state, s.branch ?? "-", s.commit?.slice(0, 7) ?? "-", s.updatedAt.replace("T", " ").slice(0, 16), usageCell(s.usage), oneLine(s.reason ?? "", 60)]);
  return table(["TASK", "STATE", "BRANCH", "COMMIT", "UPDATED (UTC)", "USAGE (IN/CACHED/OUT, COST)", "REASON"], rows);
}

/** Tokens in, of them cached, out, and the cost when the price is known: `12.3k/8.0k/1.2k $0.0213`. */
export function usageCell(usage: TaskStatus["usage"]): string {
  if (!usage) return "-";
  const tokens = [usage.inputTokens, usage.cachedTokens, usage.outputTokens].map(shortCount).join("/");
  return usage.costUsd === undefined ? tokens : `${tokens} $${usage.costUsd.toFixed(4)}`;
}

function shortCount(n: number): string {
  return n >= 1_000_000 ? `${(n / 1_000_000).toFixed(1)}M` : n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n);
}

export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** One readable line per transcript entry. */
export function renderTranscript(entries: TranscriptEntry[]): string {
  return entries.map(renderEntry).join("\n") + (entries.length ? "\n" : "");
}

function renderEntry(entry: TranscriptEntry): string {
  const time = entry.t.slice(11, 19);
  switch (entry.type) {
    case "task": return `${time} task   model=${entry.model} api=${entry.api} sandbox=${entry.sandbox}`;
    case "item": return `${time} #${entry.turn}     ${renderItem(entry.item)}`;
    case "usage": return `${time} #${entry.turn}     usage in=${entry.usage.inputTokens} cached=${entry.usage.cachedTokens} out=${entry.usage.outputTokens}`;
    case "plan": return `${time} plan   ${entry.plan.map((p) => `[${p.status === "completed" ? "x" : p.status === "in_progress" ? "~" : " "}] ${p.step}`).join("; ")}`;
    case "verify": return `${time} verify round ${entry.round}: ${entry.passed ? "passed" : "failed"} (${entry.command}, exit ${entry.exitCode})`;
    case "retry": return `${time} retry  attempt ${entry.attempt} in ${entry.delayMs}ms: ${oneLine(entry.error, 100)}`;
    case "note": return `${time} note   ${oneLine(entry.text, 160)}`;
    case "stop": return `${time} stop   ${entry.outcome}${entry.reason ? `: ${entry.reason}` : ""}`;
    case "estimate": return `${time} #${entry.turn}     next request ≈${entry.inputTokens} input tokens${entry.maxOutputTokens === undefined ? "" : `, output ≤ ${entry.maxOutputTokens}`}${entry.worstCaseUsd === undefined ? "" : `, at most $${entry.worstCaseUsd.toFixed(4)}`}`;
    case "compaction": return `${time} #${entry.turn}     compacted ${entry.itemsBefore} → ${entry.itemsAfter} items (≈${entry.tokensBefore} → ≈${entry.tokensAfter} tokens): ${oneLine(entry.summary, 120)}`;
  }
}

function renderItem(item: Extract<TranscriptEntry, { type: "item" }>["item"]): string {
  switch (item.type) {
    case "message": return `${item.role}: ${oneLine(item.text, 160)}`;
    case "reasoning": return `reasoning: ${oneLine(item.summary.join(" "), 160) || "(hidden)"}`;
    case "function_call": return `call ${item.name} ${oneLine(item.arguments, 140)}`;
    case "function_call_output": return `  → ${oneLine(item.output, 150)}`;
  }
}
