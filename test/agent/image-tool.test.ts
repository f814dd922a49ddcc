import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, readFile, realpath, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createImageTool, createOpenAIImageGenerator, DEFAULT_IMAGE_MODEL } from "../../src/agent/image-tool.ts";
import { call, startHarness, toolOutputs } from "../helpers/agent-harness.ts";
import { specErrors } from "../helpers/openai-spec.ts";

// A 1x1 PNG.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64");

interface ImageCall {
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** The Images API on 127.0.0.1: checks each body against OpenAI's CreateImageRequest schema, then answers `reply`. */
const calls: ImageCall[] = [];
let reply: { status: number; body: unknown } = { status: 200, body: {} };
let baseURL: string;
const server = createServer((req, res) => {
  let text = "";
  req.on("data", (chunk: Buffer) => (text += chunk.toString()));
  req.on("end", () => {
    const body = JSON.parse(text) as Record<string, unknown>;
    calls.push({ path: req.url ?? "", headers: req.headers, body });
    const errors = specErrors("CreateImageRequest", body);
    const answer = errors.length > 0 ? { status: 400, body: { error: { message: errors.join("; "), type: "invalid_request_error" } } } : reply;
    res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.body));
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  calls.length = 0;
  reply = { status: 200, body: { created: 1, data: [{ b64_json: PNG.toString("base64") }] } };
});

const imageTool = (model = DEFAULT_IMAGE_MODEL, maxBytes?: number) =>
  createImageTool({ generator: createOpenAIImageGenerator({ apiKey: "sk-image-test-key", baseURL }), model, ...(maxBytes ? { maxBytes } : {}) });

describe("generate_image", () => {
  it("asks the Images API with a valid request and writes the PNG into the worktree", async () => {
    await using h = await startHarness({ script: [call("generate_image", { prompt: "a lighthouse logo", path: "assets/logo.png", size: "1024x1024" }), { text: "Drew it." }] });
    const result = await h.run({ tools: [imageTool()] });

    expect(result.outcome).toBe("completed");
    expect(await readFile(join(h.workdir, "assets/logo.png"))).toEqual(PNG);
    expect(toolOutputs(h.server)).toEqual([`Wrote assets/logo.png (${PNG.length} bytes, 1x1 PNG)`]);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ path: "/v1/images/generations", headers: { authorization: "Bearer sk-image-test-key" } });
    expect(calls[0]?.body).toEqual({ model: "gpt-image-1", prompt: "a lighthouse logo", n: 1, size: "1024x1024", output_format: "png" });
    // The stand-in's check has teeth: OpenAI's schema refuses these.
    expect(specErrors("CreateImageRequest", { model: "gpt-image-1", n: 1 })).not.toEqual([]);
    expect(specErrors("CreateImageRequest", { prompt: "p", n: 0 })).not.toEqual([]);
    expect(specErrors("CreateImageRequest", { prompt: "p", output_format: "gif" })).not.toEqual([]);
  });

  it("asks DALL·E models for base64 instead of a URL", async () => {
    await using h = await startHarness({ script: [call("generate_image", { prompt: "a cat", path: "cat.png" }), { text: "Done." }] });
    await h.run({ tools: [imageTool("dall-e-3")] });

    expect(calls[0]?.body).toEqual({ model: "dall-e-3", prompt: "a cat", n: 1, response_format: "b64_json" });
    expect(specErrors("CreateImageRequest", calls[0]?.body)).toEqual([]);
    expect((await stat(join(h.workdir, "cat.png"))).size).toBe(PNG.length);
  });

  it("refuses paths outside the worktree, into .git, through a symlink or not ending in .png, before asking for an image", async () => {
    const outside = await realpath(await mkdtemp(join(tmpdir(), "git-codex-outside-")));
    try {
      await using h = await startHarness({ script: [{ text: "x" }] });
      await symlink(outside, join(h.workdir, "escape"));
      await writeFile(join(outside, "target.png"), "original");
      await symlink(join(outside, "target.png"), join(h.workdir, "linked.png"));
      const tool = imageTool();
      const ctx = { workdir: h.workdir, maxOutputChars: 16_000, remainingMs: () => 60_000 };
      const outputs = [];
      for (const path of ["../up.png", "/tmp/abs.png", "escape/x.png", "linked.png", ".git/x.png", "picture.jpg"]) {
        outputs.push((await tool.run({ prompt: "p", path }, ctx)).output);
      }
      expect(outputs).toEqual([
        "generate_image: path '../up.png' leads outside the repository root",
        "generate_image: path '/tmp/abs.png' is absolute; use a path relative to the repository root",
        `generate_image: 'escape/x.png': resolves through a symbolic link to '${outside}', outside the repository root`,
        `generate_image: 'linked.png': resolves through a symbolic link to '${outside}/target.png', outside the repository root`,
        "generate_image: path '.git/x.png' is inside .git, which apply_patch may not touch",
        'generate_image: path "picture.jpg" must end in .png: the image is a PNG',
      ]);
      expect(calls).toEqual([]);
      expect(await readFile(join(outside, "target.png"), "utf8")).toBe("original");
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it("gives the model the API's error, and writes nothing for an answer that is not a PNG or too large", async () => {
    await using h = await startHarness({
      script: [
        call("generate_image", { prompt: "p", path: "a.png", size: "huge" }),
        call("generate_image", { prompt: "p", path: "b.png", size: "1024x1024" }),
        call("generate_image", { prompt: "p", path: "c.png" }),
        call("generate_image", { prompt: "p", path: "d.png" }),
        { text: "Gave up." },
      ],
    });
    // One answer per call; the first call is refused before any request.
    const answers = [
      reply,
      { status: 400, body: { error: { message: "Your request was rejected by the safety system.", type: "invalid_request_error" } } },
      { status: 200, body: { created: 1, data: [{ b64_json: Buffer.from("GIF89a not a png").toString("base64") }] } },
      { status: 200, body: { created: 1, data: [{ url: "https://example.com/x.png" }] } },
    ];
    let n = 0;
    const tool = imageTool();
    const counting = { ...tool, run: (args: Record<string, unknown>, ctx: Parameters<typeof tool.run>[1]) => ((reply = answers[n++] ?? reply), tool.run(args, ctx)) };
    await h.run({ tools: [counting] });

    expect(toolOutputs(h.server)).toEqual([
      'generate_image: "size" must be WIDTHxHEIGHT (e.g. "1024x1024") or "auto"',
      "generate_image failed: 400 Your request was rejected by the safety system.",
      "generate_image failed: the image server's answer is not a PNG image",
      "generate_image failed: the image server returned no base64 image (only a URL)",
    ]);
    for (const name of ["a.png", "b.png", "c.png", "d.png"]) await expect(stat(join(h.workdir, name))).rejects.toThrow(/ENOENT/);
  });

  it("refuses an image larger than the cap", async () => {
    await using h = await startHarness({ script: [call("generate_image", { prompt: "p", path: "big.png" }), { text: "x" }] });
    await h.run({ tools: [imageTool(DEFAULT_IMAGE_MODEL, 10)] });
    expect(toolOutputs(h.server)).toEqual([`generate_image failed: the image is ${PNG.length} bytes, more than the 10 allowed`]);
    await expect(stat(join(h.workdir, "big.png"))).rejects.toThrow(/ENOENT/);
  });
});
