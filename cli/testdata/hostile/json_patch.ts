/** Patches JSON.stringify and JSON.parse, which the old child used for its results. */
import { broken } from "./_broken.ts";

const stringify = JSON.stringify;
JSON.stringify =
  ((value: unknown, ...rest: unknown[]) =>
    (stringify as (...args: unknown[]) => string)(value, ...rest).replaceAll(
      '"fail"',
      '"pass"',
    )) as typeof JSON.stringify;
JSON.parse = (() => ({ status: "pass" })) as typeof JSON.parse;
export default broken("json-patch");
