// How Vite builds the dashboard into dist/: relative asset URLs, hashed names, nothing fetched from elsewhere.

import { defineConfig } from "vite";

// biome-ignore lint/style/noDefaultExport: Vite reads its configuration from the default export.
export default defineConfig({
  // Relative URLs, so the page also works behind a reverse proxy under a path prefix.
  base: "./",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // One stylesheet and one script: the page is small enough that splitting costs more than it saves.
    cssCodeSplit: false,
    modulePreload: { polyfill: false },
    // Files, never data: URLs, so a Content-Security-Policy of default-src 'self' is enough.
    assetsInlineLimit: 0,
    reportCompressedSize: true,
    sourcemap: false,
  },
});
