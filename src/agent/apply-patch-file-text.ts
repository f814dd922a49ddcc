/**
 * Splits a file into lines and joins them back exactly as it was written: the dominant line
 * ending, the byte-order mark and the final newline (or its absence) survive an edit, so a
 * one-line change does not rewrite every line of a CRLF file. Pure.
 */

export interface FileText {
  lines: string[];
  eol: "\n" | "\r\n";
  finalNewline: boolean;
  bom: string;
}

export function splitFile(text: string): FileText {
  const bom = text.startsWith("\uFEFF") ? "\uFEFF" : "";
  const body = text.slice(bom.length);
  const crlf = body.split("\r\n").length - 1;
  const lf = body.split("\n").length - 1 - crlf;
  const eol = crlf > lf ? "\r\n" : "\n";
  const finalNewline = body === "" || body.endsWith("\n");
  const lines = body === "" ? [] : body.split("\n");
  if (body.endsWith("\n")) lines.pop();
  // In an LF file a stray "\r" stays part of its line, so untouched lines keep their bytes;
  // matching ignores it because trailing whitespace is tolerated.
  return { lines: eol === "\r\n" ? lines.map((line) => line.replace(/\r$/, "")) : lines, eol, finalNewline, bom };
}

export function joinFile(file: FileText): string {
  if (file.lines.length === 0) return file.bom;
  return file.bom + file.lines.join(file.eol) + (file.finalNewline ? file.eol : "");
}
