// The modules the daemon imports on first use, and how to put them in Node's compile cache ahead of time.

import { getCompileCacheDir } from "node:module";
import { TARGET_KIND_LOADERS } from "./target-loader.ts";

/** Every module the daemon imports only when it first needs it. */
const ON_FIRST_USE: readonly (() => Promise<unknown>)[] = [
  ...Object.values(TARGET_KIND_LOADERS),
  // Discovery (daemon.ts), only when the config leaves it on.
  () => import("./discovery/discovery-service.ts"),
  () => import("./discovery/find-clients.ts"),
];

/**
 * With Node's compile cache on (NODE_COMPILE_CACHE: npm start, the Docker image), imports every
 * module the daemon loads on first use, so that the cache holds them too: a TypeScript module
 * missing from it makes Node load its type stripper when the daemon first needs it (about 18 MB
 * resident for the rest of the run). `seedwatch --version` calls it: it is the command the
 * Docker build and the benchmarks fill the cache with.
 */
export async function fillCompileCache(): Promise<void> {
  if (getCompileCacheDir() === undefined) return;
  await Promise.all(ON_FIRST_USE.map((load) => load()));
}
