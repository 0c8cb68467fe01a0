import { defineConfig } from "vite";

// Preact's JSX runtime comes from tsconfig.json (jsxImportSource): a build needs no plugin.
export default defineConfig({
  build: {
    target: "es2022",
    outDir: "dist",
    emptyOutDir: true,
    // tests/browser reads the manifest to report the first screen's JavaScript, gzipped.
    manifest: true,
  },
});
