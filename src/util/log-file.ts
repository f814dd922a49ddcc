import { closeSync, mkdirSync, openSync, renameSync, statSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { Writable } from "node:stream";

/**
 * An append-only log file that never grows past `maxBytes`: when it would, it becomes
 * `<path>.1` (replacing the previous one) and a new file starts. Writes are synchronous,
 * so a crash loses no line that was logged.
 */
export function cappedLogFile(path: string, maxBytes = 10 * 1024 * 1024): Writable {
  mkdirSync(dirname(path), { recursive: true });
  let fd = openSync(path, "a");
  let size = statSync(path).size;
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      try {
        if (size > 0 && size + chunk.length > maxBytes) {
          closeSync(fd);
          renameSync(path, `${path}.1`);
          fd = openSync(path, "a");
          size = 0;
        }
        writeSync(fd, chunk);
        size += chunk.length;
        done();
      } catch (error) {
        done(error as Error);
      }
    },
    final(done) {
      closeSync(fd);
      done();
    },
  });
}
