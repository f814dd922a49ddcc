import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/", ".bench/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "Pass environment in through Deps; only src/cli reads process.env." }],
    },
  },
  { files: ["bin/**"], languageOptions: { globals: { process: "readonly" } } },
  { files: ["src/cli/**", "src/cli.ts", "bin/**", "test/**", "bench/**", "vitest.config.ts"], rules: { "no-restricted-properties": "off" } },
);
