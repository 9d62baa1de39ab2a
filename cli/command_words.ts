/**
 * Splitting a `--driver` command into words, the way a POSIX shell splits a
 * simple command: spaces separate words, single quotes keep everything,
 * double quotes keep everything but `\"` and `\\`, a backslash outside quotes
 * escapes the next character. No variables, globs or pipes: the words are
 * executed directly.
 *
 * @module
 */

import { UsageError } from "./exit_codes.ts";

/**
 * The words of a command line.
 *
 * @example
 * ```ts
 * import { splitCommand } from "./command_words.ts";
 *
 * splitCommand(`cargo run -q --manifest-path 'my hal/Cargo.toml'`);
 * // ["cargo", "run", "-q", "--manifest-path", "my hal/Cargo.toml"]
 * ```
 */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < command.length; i++) {
    const char = command[i];
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else word += char;
    } else if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === "\\" && (command[i + 1] === '"' || command[i + 1] === "\\")) word += command[++i];
      else word += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      inWord = true;
    } else if (char === "\\" && i + 1 < command.length) {
      word += command[++i];
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (quote) throw new UsageError(`--driver ${JSON.stringify(command)}: a ${quote} quote is not closed`);
  if (inWord) words.push(word);
  if (words.length === 0) throw new UsageError("--driver needs a command");
  return words;
}
