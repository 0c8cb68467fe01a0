/** The console's version from package.json, set by vite.config.ts at build time. */
declare const __KONTOR_VERSION__: string;
