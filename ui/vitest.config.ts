import { defineConfig, mergeConfig } from "vitest/config";
import { svelteTesting } from "@testing-library/svelte/vite";
import viteConfig from "./vite.config";

export default mergeConfig(
  viteConfig,
  defineConfig({
    // Resolves Svelte's browser build and cleans the DOM after each test.
    plugins: [svelteTesting()],
    test: {
      environment: "jsdom",
      include: ["tests/unit/**/*.test.ts"],
      setupFiles: ["tests/unit/setup.ts"],
      restoreMocks: true,
    },
  }),
);
