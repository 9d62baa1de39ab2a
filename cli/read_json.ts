/**
 * Reading a JSON input file named on the command line: a missing or
 * malformed file is a `UsageError` naming the file.
 *
 * @module
 */

import { UsageError } from "./exit_codes.ts";

/** The parsed contents of `path`; `what` names the file in errors ("report", "counterexample"). */
export async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new UsageError(`Cannot read ${what} "${path}": ${(error as Error).message.split("\n")[0]}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const title = what[0].toUpperCase() + what.slice(1);
    throw new UsageError(`${title} "${path}" is not JSON: ${(error as Error).message}`);
  }
}
