/**
 * The `generate_image` tool: asks the OpenAI Images API for a picture and writes the PNG
 * into the worktree, where it becomes part of the result like any other file. The bot makes
 * the request (the sandbox has no key and no network); the path is checked as apply_patch
 * checks its paths, so a symlink in the tree cannot carry the write elsewhere.
 */
import { randomBytes } from "node:crypto";
import { mkdir, realpath, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import OpenAI from "openai";
import { checkRelativePath, resolveInRoot } from "./apply-patch-paths.ts";
import type { AgentTool, AgentToolContext, ToolOutcome } from "./types.ts";

export interface ImageRequest {
  model: string;
  prompt: string;
  /** `WIDTHxHEIGHT` or `auto`; the server's default when absent. */
  size?: string;
  signal?: AbortSignal;
}

/** Makes one PNG image; the OpenAI implementation is one of several. */
export interface ImageGenerator {
  generate(request: ImageRequest): Promise<Buffer>;
}

export interface OpenAIImageOptions {
  apiKey: string;
  baseURL?: string;
  /** Per request. Default 5 minutes: large images take a while. */
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

export const DEFAULT_IMAGE_MODEL = "gpt-image-1";
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const MAX_PROMPT = 32_000;
const SIZE = /^(auto|\d{2,5}x\d{2,5})$/;

export function createOpenAIImageGenerator(options: OpenAIImageOptions): ImageGenerator {
  const openai = new OpenAI({
    apiKey: options.apiKey,
    // Everything explicit, as for the model client: nothing filled in from process.env.
    baseURL: options.baseURL ?? "https://api.openai.com/v1",
    organization: null,
    project: null,
    adminAPIKey: null,
    webhookSecret: null,
    maxRetries: 0,
    timeout: options.timeoutMs ?? 5 * 60_000,
    logLevel: "off",
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  return {
    async generate(request) {
      // GPT image models always answer in base64 and refuse response_format; DALL·E and
      // most compatible servers need it to answer in base64 rather than with a URL.
      const gpt = /^(gpt-image|chatgpt-image)/.test(request.model);
      const format = gpt ? { output_format: "png" as const } : { response_format: "b64_json" as const };
      const size = request.size === undefined ? {} : { size: request.size as OpenAI.Images.ImageGenerateParams["size"] };
      const response = await openai.images.generate({ model: request.model, prompt: request.prompt, n: 1, ...size, ...format }, { signal: request.signal });
      const image = response.data?.[0];
      if (typeof image?.b64_json !== "string") throw new Error(`the image server returned no base64 image${image?.url ? " (only a URL)" : ""}`);
      return Buffer.from(image.b64_json, "base64");
    },
  };
}

export interface ImageToolOptions {
  generator: ImageGenerator;
  model: string;
  /** Largest image written. Default 20 MiB. */
  maxBytes?: number;
}

export function createImageTool(options: ImageToolOptions): AgentTool {
  return {
    spec: {
      name: "generate_image",
      description: `Generates an image from a text prompt (model ${options.model}) and writes it as a PNG file into the repository at path.`,
      parameters: {
        type: "object",
        properties: {
          prompt: { type: "string", description: "What the image shows, in detail." },
          path: { type: "string", description: "Where to write the PNG, relative to the repository root, ending in .png." },
          size: { type: "string", description: 'WIDTHxHEIGHT, e.g. "1024x1024", "1536x1024", "1024x1536", or "auto".' },
        },
        required: ["prompt", "path"],
        additionalProperties: false,
      },
    },
    run: (args, ctx) => generateImage(args, ctx, options),
  };
}

async function generateImage(args: Record<string, unknown>, ctx: AgentToolContext, options: ImageToolOptions): Promise<ToolOutcome> {
  const invalid = (message: string): ToolOutcome => ({ output: `generate_image: ${message}`, summary: "generate_image: invalid arguments" });
  const { prompt, size } = args;
  if (typeof prompt !== "string" || prompt.trim() === "" || prompt.length > MAX_PROMPT) return invalid(`"prompt" must be a non-empty string of at most ${MAX_PROMPT} characters`);
  if (size !== undefined && (typeof size !== "string" || !SIZE.test(size))) return invalid(`"size" must be WIDTHxHEIGHT (e.g. "1024x1024") or "auto"`);
  const target = await targetPath(args.path, ctx.workdir);
  if (typeof target === "string") return invalid(target);
  const timeout = ctx.remainingMs();
  if (timeout <= 0) return { output: "generate_image: the task has no time left", summary: "generate_image: no time left" };
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, AbortSignal.timeout(timeout)]) : AbortSignal.timeout(timeout);
  const png = await options.generator.generate({ model: options.model, prompt, ...(size === undefined ? {} : { size }), signal });
  const maxBytes = options.maxBytes ?? 20 * 1024 * 1024;
  if (!png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error("the image server's answer is not a PNG image");
  if (png.length > maxBytes) throw new Error(`the image is ${png.length} bytes, more than the ${maxBytes} allowed`);
  await writeAtomically(target.abs, png);
  const dimensions = png.length >= 24 ? ` ${png.readUInt32BE(16)}x${png.readUInt32BE(20)}` : "";
  return { output: `Wrote ${target.rel} (${png.length} bytes,${dimensions} PNG)`, summary: `generate_image: ${target.rel}` };
}

async function targetPath(raw: unknown, workdir: string): Promise<{ rel: string; abs: string } | string> {
  if (typeof raw !== "string") return `"path" must be a path relative to the repository root`;
  const checked = checkRelativePath(raw);
  if (!checked.ok) return checked.reason;
  if (!checked.path.toLowerCase().endsWith(".png")) return `path ${JSON.stringify(raw)} must end in .png: the image is a PNG`;
  const resolved = await resolveInRoot(await realpath(workdir), checked.path);
  if (!resolved.ok) return resolved.error;
  return { rel: checked.path, abs: resolved.abs };
}

/** A new file renamed into place, so a symlink at the path is replaced, never followed. */
async function writeAtomically(abs: string, data: Buffer): Promise<void> {
  await mkdir(path.dirname(abs), { recursive: true });
  const temp = `${abs}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(temp, data, { flag: "wx" });
    await rename(temp, abs);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
