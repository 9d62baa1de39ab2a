/**
 * The HAL's own project, as the TypeScript driver sees it: the nearest `deno.json` above the HAL module (its import
 * map, `nodeModulesDir`, compiler options and lock file apply), and an import map that resolves the project's
 * specifiers as the project does while `@halconf/halconf` always means the halconf that is running.
 *
 * @module
 */

import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** A HAL module's project: its root and config file, or none (a HAL file with no `deno.json` above it). */
export interface HalProject {
  /** The folder the HAL may read: the project's root, or the HAL's own folder when there is no config. */
  root: string;
  /** The project's `deno.json` / `deno.jsonc`, if any. */
  config?: string;
  /** The project's lock file next to the config, if any (used frozen: never written). */
  lock?: string;
}

const CONFIG_NAMES = ["deno.json", "deno.jsonc"];

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The project a HAL module belongs to: the nearest folder above it with a `deno.json`.
 *
 * @example
 * ```ts ignore
 * findProject("/home/me/my-hal/tests/hal.ts"); // { root: "/home/me/my-hal", config: ".../deno.json", lock: ... }
 * ```
 */
export function findProject(moduleFile: string): HalProject {
  const own = dirname(moduleFile);
  for (let dir = own;; dir = dirname(dir)) {
    const config = CONFIG_NAMES.map((name) => join(dir, name)).find(exists);
    if (config) {
      const lock = join(dir, "deno.lock");
      return { root: dir, config, ...(exists(lock) ? { lock } : {}) };
    }
    if (dirname(dir) === dir) return { root: own };
  }
}

type ImportMap = { imports?: Record<string, string>; scopes?: Record<string, Record<string, string>> };

/** Reads a `deno.json` / `deno.jsonc` (comments allowed) as an object. */
function readConfig(path: string): Record<string, unknown> {
  const text = Deno.readTextFileSync(path);
  // Removes // and /* */ comments outside strings, and trailing commas, as JSONC allows.
  const json = text.replace(/("(?:\\.|[^"\\])*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (_match, string) => string ?? "")
    .replace(/,(\s*[}\]])/g, "$1");
  return JSON.parse(json);
}

/** Specifier targets made absolute, so that the map means the same from any folder. */
function absolute(imports: Record<string, string> | undefined, base: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, target] of Object.entries(imports ?? {})) {
    out[key] = target.startsWith("./") || target.startsWith("../") || target.startsWith("/")
      ? pathToFileURL(resolve(base, target)).href + (target.endsWith("/") ? "/" : "")
      : target;
  }
  return out;
}

/**
 * The import map the driver runs with: the project's (or nothing), `@halconf/halconf` bound to `halconfRoot`, and
 * halconf's own files resolving their imports as in halconf's `deno.json`.
 */
export function importMapFor(project: HalProject, halconfRoot: string): ImportMap {
  const halconfConfig = readConfig(join(halconfRoot, "deno.json")) as ImportMap;
  const halconf = absolute(halconfConfig.imports, halconfRoot);
  const own: ImportMap = project.config ? readConfig(project.config) as ImportMap : {};
  const base = project.config ? dirname(project.config) : project.root;
  const scopes: Record<string, Record<string, string>> = {};
  for (const [scope, imports] of Object.entries(own.scopes ?? {})) {
    scopes[scope.startsWith(".") ? pathToFileURL(resolve(base, scope)).href + "/" : scope] = absolute(imports, base);
  }
  scopes[pathToFileURL(halconfRoot).href.replace(/\/?$/, "/")] = halconf;
  const bound = Object.fromEntries(Object.entries(halconf).filter(([key]) => key.startsWith("@halconf/halconf")));
  return { imports: { ...absolute(own.imports, base), ...bound }, scopes };
}
