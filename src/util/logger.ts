import pino, { type Logger } from "pino";
import pretty from "pino-pretty";
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
    ? pretty({ destination, colorize: "isTTY" in destination && Boolean(destination.isTTY), ignore: "pid,hostname", translateTime: "HH:MM:ss", sync: true })
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

export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
