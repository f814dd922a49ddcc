/**
 * The MCP stdio transport for a server started from an executor's `Launch`. The SDK's own
 * StdioClientTransport adds the bot's HOME, PATH and USER to the environment and spawns the
 * server in the bot's process group, so a child the server forks would outlive `close()`.
 * This one passes the Launch's environment exactly, starts the server in a process group
 * of its own and kills that group on close; inside bubblewrap, `--die-with-parent` takes
 * the sandbox down with it, also when the bot itself is killed.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { ReadBuffer, serializeMessage } from "@modelcontextprotocol/sdk/shared/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { Launch } from "../types.ts";
import { groupKiller, KILL_GRACE_MS } from "../../util/process.ts";

const STDERR_TAIL = 4000;
/** One JSON-RPC message larger than this closes the connection (a tool result of 8 MB is no text for a model). */
const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

export interface StdioTransport extends Transport {
  /** The last few KB the server wrote to stderr: what it said before failing. */
  stderr(): string;
  /** True once the server's process has exited. */
  exited(): boolean;
}

export function createStdioTransport(launch: Launch): StdioTransport {
  let child: ChildProcess | undefined;
  let stderr = "";
  let exited = false;
  let closed: Promise<void> = Promise.resolve();
  const buffer = new ReadBuffer({ maxBufferSize: MAX_MESSAGE_BYTES });
  const killGroup = (signal: NodeJS.Signals): void => {
    if (child) groupKiller(child).kill(signal);
  };
  const fail = (error: unknown): void => transport.onerror?.(error instanceof Error ? error : new Error(String(error)));
  const receive = (chunk: Buffer): void => {
    try {
      buffer.append(chunk);
    } catch (error) {
      fail(error);
      void transport.close();
      return;
    }
    for (;;) {
      let message: JSONRPCMessage | null;
      try {
        message = buffer.readMessage();
      } catch (error) {
        // A line that is not JSON-RPC (a server logging to stdout) is reported and skipped.
        fail(error);
        continue;
      }
      if (message === null) return;
      transport.onmessage?.(message);
    }
  };
  const transport: StdioTransport = {
    stderr: () => stderr,
    exited: () => exited,
    start() {
      return new Promise((resolve, reject) => {
        const started = spawn(launch.file, launch.args, { cwd: launch.cwd, env: launch.env, stdio: ["pipe", "pipe", "pipe"], detached: true });
        child = started;
        closed = new Promise((done) => started.once("close", () => done()));
        started.once("spawn", () => resolve());
        started.once("error", (error) => {
          exited = true;
          reject(error);
          transport.onerror?.(error);
        });
        started.once("exit", () => {
          exited = true;
          // Whatever the server left running in its group goes with it.
          killGroup("SIGKILL");
        });
        started.once("close", () => transport.onclose?.());
        started.stdin?.on("error", (error) => transport.onerror?.(error));
        started.stderr?.on("data", (chunk: Buffer) => {
          stderr = (stderr + chunk.toString("utf8")).slice(-STDERR_TAIL);
        });
        started.stdout?.on("data", (chunk: Buffer) => receive(chunk));
      });
    },
    send(message: JSONRPCMessage) {
      return new Promise((resolve, reject) => {
        const stdin = child?.stdin;
        if (!stdin || exited || stdin.destroyed) {
          reject(new Error("the MCP server is not running"));
          return;
        }
        if (stdin.write(serializeMessage(message))) resolve();
        else stdin.once("drain", () => resolve());
      });
    },
    async close() {
      if (!child) return;
      child.stdin?.end();
      if (!exited) {
        killGroup("SIGTERM");
        const timer = setTimeout(() => killGroup("SIGKILL"), KILL_GRACE_MS);
        await closed;
        clearTimeout(timer);
      }
      killGroup("SIGKILL");
      buffer.clear();
    },
  };
  return transport;
}
