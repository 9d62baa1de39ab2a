/**
 * Exit codes of the `halconf` command, and the errors that map to them.
 *
 * @module
 */

/** Every result passed, was skipped, or failed as expected. */
export const EXIT_OK = 0;
/** At least one unexpected fail, error or timeout: the HAL broke the contract (or could not be run through a check). */
export const EXIT_FAILED = 1;
/** A usage error: bad flag, bad value, unreadable input file, unwritable output. */
export const EXIT_USAGE = 2;
/** A HAL module could not be loaded, or its profile is invalid: the harness could not run it at all. */
export const EXIT_LOAD = 3;
/** Interrupted (Ctrl-C); the partial report was written. */
export const EXIT_INTERRUPTED = 130;

/** A bad command line or input file (exit 2). */
export class UsageError extends Error {
  /** An error whose message is one line naming the problem and the fix. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** A HAL module that cannot be loaded or whose profile is invalid (exit 3): the driver's error, mapped here. */
export { LoadError } from "../driver/load_target.ts";
