/**
 * Permissions the sandbox denied a HAL, read from Deno's error messages, and what halconf grants instead. Shared by
 * the driver (which records denials), the judge (which reports them) and the runner.
 *
 * @module
 */

/**
 * The permission named in a Deno permission error message, if any.
 *
 * @example
 * ```ts
 * import { deniedPermission } from "./permission.ts";
 *
 * deniedPermission('Requires net access to "127.0.0.1:9", run again with the --allow-net flag');
 * // 'net access to "127.0.0.1:9"'
 * ```
 */
export function deniedPermission(message: string): string | undefined {
  return /Requires (\w+ access(?: to "[^"]*")?)/.exec(message)?.[1];
}

/**
 * What halconf grants a HAL, for the message of a denial (Deno's own advice names flags halconf does not have).
 *
 * @example
 * ```ts
 * import { sandboxAdvice } from "./permission.ts";
 *
 * sandboxAdvice('net access to "127.0.0.1:9"'); // "(halconf gives a HAL no net access: a HAL under test must not need it)"
 * ```
 */
export function sandboxAdvice(permission: string): string {
  const kind = /^(\w+) access/.exec(permission)?.[1] ?? "such";
  return kind === "read"
    ? "(a HAL may read its own project's folder and halconf, nothing else: keep what it reads there)"
    : `(halconf gives a HAL no ${kind} access: a HAL under test must not need it)`;
}
