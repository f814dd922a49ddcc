/** Live per-task progress on a terminal: one line, rewritten in place. */
export function terminalProgress(stream: NodeJS.WriteStream): ((taskId: string, line: string) => void) | undefined {
  if (!stream.isTTY) return undefined;
  return (taskId, line) => {
    stream.write(`\r\x1b[2K  ${taskId}: ${line}`);
  };
}

export function endProgressLine(stream: NodeJS.WriteStream): void {
  if (stream.isTTY) stream.write("\r\x1b[2K");
}
