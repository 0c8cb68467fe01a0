import { readFileSync } from "node:fs";
import { defineConfig } from "vite";

// The console's version, for error reports (`app_version`).
const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")) as { version: string };

// Preact's JSX runtime comes from tsconfig.json (jsxImportSource): a build needs no plugin.
export default defineConfig({
  define: { __KONTOR_VERSION__: JSON.stringify(version) },
  build: {
    target: "es2022",
    outDir: "dist",
    emptyOutDir: true,
    // tests/browser reads the manifest to report the first screen's JavaScript, gzipped.
    manifest: true,
  },
});
