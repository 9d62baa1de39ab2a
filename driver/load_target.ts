/**
 * Loading a custom HAL module: its default export must be a `HalTarget` with
 * a valid profile. Every failure is a `LoadError` with a one-line message.
 *
 * @module
 */

import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { HalTarget } from "../conformance/contract/hal.ts";
import { validateTarget } from "../conformance/contract/profile.ts";

/** A HAL module that cannot be loaded or whose profile is invalid (the CLI exits with code 3). */
export class LoadError extends Error {
  /** An error whose message is one line naming the module and the problem. */
  constructor(message: string) {
    super(message);
    this.name = "LoadError";
  }
}

/**
 * The absolute file URL of a module path given on the command line. A path
 * is a path: `#` and `%` in it are characters of a file name, not URL syntax.
 */
export function moduleUrl(path: string, base: string = Deno.cwd()): URL {
  if (/^file:/.test(path)) return new URL(path);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
    throw new LoadError(`Cannot load HAL module "${path}": only local files are loaded (download it first)`);
  }
  return pathToFileURL(resolve(base, path));
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  // Deno's messages may carry colour codes; the one-line error must not.
  // deno-lint-ignore no-control-regex
  const line = text.replace(/\u001b\[[0-9;]*m/g, "").split("\n").map((part) => part.trim()).filter(Boolean)[0] ?? text;
  return line.replace(/^TypeError: (SyntaxError: )/, "$1");
}

/**
 * Imports a HAL module and returns its validated default export.
 *
 * @example
 * ```ts ignore
 * const target = await loadHalModule("./my_hal.ts");
 * ```
 */
export async function loadHalModule(path: string, base?: string): Promise<HalTarget> {
  const url = moduleUrl(path, base);
  if (url.protocol === "file:") {
    try {
      const info = await Deno.stat(url);
      if (!info.isFile) throw new LoadError(`Cannot load HAL module "${path}": it is not a file`);
    } catch (error) {
      if (error instanceof LoadError) throw error;
      if (error instanceof Deno.errors.NotFound) {
        throw new LoadError(`Cannot load HAL module "${path}": no such file (check the --hal path)`);
      }
      throw new LoadError(`Cannot load HAL module "${path}": ${firstLine(error)}`);
    }
  }
  let module: Record<string, unknown>;
  try {
    // The module is the user's, named on the command line: publishing cannot analyse it (a warning, by design).
    module = await import(url.href);
  } catch (error) {
    const line = firstLine(error);
    const kind = /SyntaxError|parse|Expected|Unexpected/i.test(line) ? "it does not parse" : "it threw on import";
    throw new LoadError(`Cannot load HAL module "${path}": ${kind}: ${line}`);
  }
  if (!("default" in module) || module.default === undefined) {
    throw new LoadError(
      `Cannot load HAL module "${path}": no default export (add \`export default { name, profile, create }\`)`,
    );
  }
  try {
    return validateTarget(module.default, path);
  } catch (error) {
    throw new LoadError((error as Error).message.split("\n")[0]);
  }
}
