import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// A plain single-page app: Tauri loads ui/dist in production and the dev server in `tauri dev`.
export default defineConfig({
  plugins: [svelte()],
  // Relative asset paths so the same build works from Tauri's custom protocol and a test server.
  base: "./",
  // Keep the Rust build's output visible in `tauri dev`.
  clearScreen: false,
  server: {
    // tauri.conf.json's devUrl points here; a different port would load nothing.
    port: 1420,
    strictPort: true,
  },
  envPrefix: ["VITE_", "TAURI_ENV_"],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // The oldest webviews Tauri 2 supports: WebView2 (Chromium) and WebKit on macOS/Linux.
    target: ["es2021", "chrome105", "safari15"],
  },
});
