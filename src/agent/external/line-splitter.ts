export interface LineSplitter {
  push(chunk: Buffer): void;
  /** The last line, if the stream did not end with a newline. */
  end(): void;
}

/**
 * Splits a byte stream into UTF-8 lines of at most `maxBytes`. A longer line is dropped
 * whole, never held in memory past the cap, and reported with its size: one runaway event
 * must not take the bot's memory or the transcript with it.
 */
export function createLineSplitter(maxBytes: number, onLine: (line: string) => void, onOversized: (bytes: number) => void): LineSplitter {
  let parts: Buffer[] = [];
  let size = 0;
  let oversized = 0;
  const finish = (): void => {
    if (oversized > 0) onOversized(oversized);
    else if (size > 0) onLine(Buffer.concat(parts, size).toString("utf8").replace(/\r$/, ""));
    parts = [];
    size = 0;
    oversized = 0;
  };
  const take = (piece: Buffer): void => {
    if (oversized > 0) {
      oversized += piece.length;
      return;
    }
    if (size + piece.length > maxBytes) {
      oversized = size + piece.length;
      parts = [];
      size = 0;
      return;
    }
    parts.push(piece);
    size += piece.length;
  };
  return {
    push(chunk) {
      let start = 0;
      for (let newline = chunk.indexOf(0x0a); newline >= 0; newline = chunk.indexOf(0x0a, start)) {
        take(chunk.subarray(start, newline));
        finish();
        start = newline + 1;
      }
      if (start < chunk.length) take(chunk.subarray(start));
    },
    end() {
      finish();
    },
  };
}
