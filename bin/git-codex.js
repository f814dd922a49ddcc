#!/usr/bin/env node
// Entry point for `git-codex` / `git codex`. The TypeScript sources are compiled to
// dist/ by `npm run build` (run automatically by `npm ci` through `prepare`).
import { main } from "../dist/cli.js";

process.exitCode = await main(process.argv.slice(2));
