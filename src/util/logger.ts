import { createRequire } from "node:module";
import pino, { type Logger } from "pino";
import type PinoPretty from "pino-pretty";
import type { Redactor } from "./redact.ts";

export type { Logger };

export interface LoggerOptions {
  level?: string;
  /** Human-readable lines (a terminal) or JSON lines (everything else). */
  pretty: boolean;
  redact: Redactor;
  destination?: NodeJS.WritableStream;
  /** Also write JSON lines here (the daemon's size-capped log file). */
  file?: NodeJS.WritableStream;
}

/**
 * Logs go to stderr (stdout is for command output). Every line is scrubbed of secret
 * values just before it is written, whatever field carries them.
 */
export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? process.stderr;
  const stream = options.pretty
    ? loadPretty()({ destination, colorize: "isTTY" in destination && Boolean(destination.isTTY), ignore: "pid,hostname", translateTime: "HH:MM:ss", sync: true })
    : destination;
  const level = options.level ?? "info";
  const target = options.file ? pino.multistream([{ stream, level: level as pino.Level }, { stream: options.file, level: level as pino.Level }]) : stream;
  return pino(
    {
      level,
      base: undefined,
      hooks: { streamWrite: (line: string) => options.redact(line) },
    },
    target,
  );
}

/** pino-pretty (70 ms to load) only when a person reads the logs on a terminal; it is CommonJS, so `require` loads it synchronously. */
function loadPretty(): typeof PinoPretty {
  return createRequire(import.meta.url)("pino-pretty") as typeof PinoPretty;
}

export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
