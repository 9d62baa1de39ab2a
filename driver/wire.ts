/**
 * The driver protocol's tokens: limits, errors, hex addresses, percent-encoded
 * text and the values a HAL returns. The codecs of programs
 * (`program_codec.ts`), the handshake (`handshake.ts`) and answers
 * (`answer_codec.ts`) are built on them. Both sides use them: the TypeScript
 * driver and the trusted supervisor. PROTOCOL.md describes the same grammar
 * for drivers in other languages; a test holds the two together.
 *
 * Nothing here judges: an answer is only ever data about what the HAL did.
 *
 * @module
 */

/** The protocol version this halconf speaks. */
export const PROTOCOL_VERSION = 2;

/** The limits of the protocol; a driver that breaks one gets an `error` result and is restarted. */
export const LIMITS = {
  /** The longest line a driver may send, in bytes: a longer answer (a fill's) goes on over lines ending in `+`. */
  lineBytes: 1024 * 1024,
  /** The longest program line the supervisor sends, in bytes. */
  programBytes: 32 * 1024 * 1024,
  /** The most bytes of answer one program may take, all its lines together (a 16 GiB fill in any order fits). */
  answerBytes: 64 * 1024 * 1024,
  /** The most programs in one `run` message. */
  batchPrograms: 1024,
  /** The most operations in one program. */
  programLength: 10_000,
  /** The most `allocFrame` calls one `fill` may make: 2^20 frames, and the call that finds none left. */
  fillFrames: (1 << 22) + 1,
  /** The most bytes of handshake before `ready` (about 25,000 regions): a board's regions are bounded by bytes. */
  handshakeBytes: 1024 * 1024,
  /** The most `irq:` and `denied:` tokens one step may carry, besides what its calls returned. */
  eventsPerStep: 10_000,
  /** The most `irq:` and `denied:` tokens one program's answer may carry in all. */
  eventsPerProgram: 100_000,
  /** The most characters of a thrown message, a denial or an error kept; the rest is cut, saying how long it was. */
  textChars: 2000,
  /** The most bytes a HAL may print (stderr) that are kept per check: head and tail, the middle is dropped. */
  outputBytes: 64 * 1024,
} as const;

/**
 * A HAL's text cut to `LIMITS.textChars` characters, saying how long it was: a message is shown, never stored whole.
 *
 * @example
 * ```ts
 * import { clipText } from "./wire.ts";
 *
 * clipText("x".repeat(5000)).endsWith("... (5000 characters)"); // true
 * ```
 */
export function clipText(text: string): string {
  // The note's room is spared, so that a text cut once (by a driver) is not cut again (by the supervisor).
  if (text.length <= LIMITS.textChars + 40) return text;
  return `${text.slice(0, LIMITS.textChars)}... (${text.length} characters)`;
}

/** A trailing token that continues a step's answer on the next line (a long fill's, split by the driver). */
export const CONTINUES = "+";

/** A malformed or out-of-contract message: the session ends with an `error` result naming it. */
export class ProtocolError extends Error {
  /** An error whose message says what was expected and what came. */
  constructor(message: string) {
    super(message);
    this.name = "ProtocolError";
  }
}

/** A hex token: `0x...` or `-0x...`. */
export const HEX: RegExp = /^-?0x[0-9a-f]+$/;

/** A 64-bit (or any) bigint as protocol hex: `0x80001000`, `-0x1`. */
export function hex(value: bigint): string {
  return value < 0n ? `-0x${(-value).toString(16)}` : `0x${value.toString(16)}`;
}

export function readHex(token: string, what: string): bigint {
  if (!HEX.test(token)) throw new ProtocolError(`${what}: expected a hex address like 0x80001000, got ${show(token)}`);
  return token.startsWith("-") ? -BigInt(token.slice(1)) : BigInt(token);
}

export function readInt(token: string, what: string, min = 0): number {
  if (!/^-?\d{1,16}$/.test(token)) throw new ProtocolError(`${what}: expected an integer, got ${show(token)}`);
  const value = Number(token);
  if (value < min) throw new ProtocolError(`${what}: expected at least ${min}, got ${value}`);
  return value;
}

/** A token quoted for an error message, cut to a readable length. */
export function show(token: string): string {
  return JSON.stringify(token.length > 60 ? `${token.slice(0, 60)}...` : token);
}

/** Percent-encodes text so that it holds no space, colon or newline. */
export function pct(text: string): string {
  // A lone surrogate (a HAL's string may hold one) has no UTF-8 form: it is sent as U+FFFD, as a decoder would show it.
  return encodeURIComponent(text.toWellFormed());
}

export function unpct(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new ProtocolError(`${what}: bad percent-encoding in ${show(text)}`);
  }
}

const HEX_DIGITS = new TextEncoder().encode("0123456789abcdef");
const latin1 = new TextDecoder("latin1");

export function bytesToHex(bytes: Uint8Array): string {
  const out = new Uint8Array(bytes.length * 2);
  for (let i = 0; i < bytes.length; i++) {
    out[2 * i] = HEX_DIGITS[bytes[i] >> 4];
    out[2 * i + 1] = HEX_DIGITS[bytes[i] & 15];
  }
  return latin1.decode(out);
}

/** The value of each char code below 128 as a lowercase hex digit, or -1 (a read of a frame decodes 8,192 digits). */
const NIBBLES = Int8Array.from(
  { length: 128 },
  (_, code) => code >= 48 && code <= 57 ? code - 48 : code >= 97 && code <= 102 ? code - 87 : -1,
);

export function hexToBytes(text: string, what: string): Uint8Array {
  const out = new Uint8Array(text.length >> 1);
  // Checked once at the end: a digit that is not one makes `bad` negative, a char code of 128 or more `wide` large.
  let bad = text.length % 2 !== 0 ? -1 : 0;
  let wide = 0;
  for (let i = 0; i < out.length; i++) {
    const highCode = text.charCodeAt(2 * i), lowCode = text.charCodeAt(2 * i + 1);
    wide |= highCode | lowCode;
    const high = NIBBLES[highCode & 127], low = NIBBLES[lowCode & 127];
    bad |= high | low;
    out[i] = (high << 4) | low;
  }
  if (bad < 0 || wide > 127) {
    throw new ProtocolError(`${what}: expected bytes as pairs of hex digits, got ${show(text)}`);
  }
  return out;
}

/** The shortest repeat of one byte an answer writes as a run (`00*8` is 4 characters where the hex takes 16). */
const RUN_BYTES = 8;
/** The most bytes one value may stand for once its runs are expanded (what a plain line of hex could carry). */
const MAX_VALUE_BYTES = 1024 * 1024;

/**
 * Bytes as an answer writes them: hex, with every repeat of one byte at least 8 long as a run of that byte
 * (`<byte>*<count>`), the pieces separated by commas: a zeroed frame is `00*4096`, not 8,192 digits.
 *
 * @example
 * ```ts
 * import { bytesToRuns } from "./wire.ts";
 *
 * bytesToRuns(new Uint8Array([0xab, 0, 0, 0, 0, 0, 0, 0, 0])); // "ab,00*8"
 * ```
 */
export function bytesToRuns(bytes: Uint8Array): string {
  const pieces: string[] = [];
  let plainFrom = 0;
  for (let at = 0; at < bytes.length;) {
    let end = at + 1;
    while (end < bytes.length && bytes[end] === bytes[at]) end++;
    if (end - at >= RUN_BYTES) {
      if (plainFrom < at) pieces.push(bytesToHex(bytes.subarray(plainFrom, at)));
      pieces.push(`${bytesToHex(bytes.subarray(at, at + 1))}*${end - at}`);
      plainFrom = end;
    }
    at = end;
  }
  if (plainFrom < bytes.length || pieces.length === 0) pieces.push(bytesToHex(bytes.subarray(plainFrom)));
  return pieces.join(",");
}

/** Bytes from what `bytesToRuns` writes (plain hex included), at most 1 MiB of them. */
export function runsToBytes(text: string, what: string): Uint8Array {
  if (!text.includes("*") && !text.includes(",")) return hexToBytes(text, what);
  const pieces = text.split(",");
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const piece of pieces) {
    const star = piece.indexOf("*");
    let part: Uint8Array;
    if (star < 0) {
      part = hexToBytes(piece, what);
      if (part.length === 0) throw new ProtocolError(`${what}: an empty piece in bytes ${show(text)}`);
    } else {
      const count = /^\d{1,8}$/.test(piece.slice(star + 1)) ? Number(piece.slice(star + 1)) : 0;
      if (star !== 2 || count < 2) {
        throw new ProtocolError(
          `${what}: ${show(piece)} is not a run of one byte (<byte>*<count>, a count of 2 or more)`,
        );
      }
      if (total + count > MAX_VALUE_BYTES) {
        throw new ProtocolError(`${what}: bytes longer than ${MAX_VALUE_BYTES} (the protocol's limit)`);
      }
      part = new Uint8Array(count).fill(hexToBytes(piece.slice(0, 2), what)[0]);
    }
    total += part.length;
    if (total > MAX_VALUE_BYTES) {
      throw new ProtocolError(`${what}: bytes longer than ${MAX_VALUE_BYTES} (the protocol's limit)`);
    }
    parts.push(part);
  }
  // One run (a zeroed frame read back): its bytes are the value, without a copy.
  return parts.length === 1 ? parts[0] : concatBytes(parts, total);
}

/**
 * `chunks` (of `total` bytes in all) as one array.
 *
 * @example
 * ```ts
 * import { concatBytes } from "./wire.ts";
 *
 * concatBytes([new Uint8Array([1]), new Uint8Array([2, 3])], 3); // Uint8Array [1, 2, 3]
 * ```
 */
export function concatBytes(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/**
 * A value a HAL returned, as one token that keeps its type: `0x1000`
 * (an address), `null`, `undefined`, `n:33` (a number), `b:00ff` (bytes),
 * `s:text` (a string), `o:object` (anything else, by its type).
 *
 * @example
 * ```ts
 * import { encodeValue } from "./wire.ts";
 *
 * encodeValue(0x8000_1000n); // "0x80001000"
 * encodeValue(1023); // "n:1023"
 * ```
 */
export function encodeValue(value: unknown): string {
  if (typeof value === "bigint") return hex(value);
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "number") return `n:${Object.is(value, -0) ? "-0" : String(value)}`;
  if (value instanceof Uint8Array) return `b:${bytesToRuns(value)}`;
  if (typeof value === "string") return `s:${pct(value)}`;
  return `o:${typeof value}`;
}

/** Whether a token is a value (rather than an event such as `ok` or `throw:`). */
export function isValueToken(token: string): boolean {
  return token === "null" || token === "undefined" || HEX.test(token) || /^[nbso]:/.test(token);
}

/** Reads a value token (the inverse of `encodeValue`). */
export function decodeValue(token: string, what: string): unknown {
  if (token === "null") return null;
  if (token === "undefined") return undefined;
  if (HEX.test(token)) return readHex(token, what);
  const body = token.slice(2);
  switch (token.slice(0, 2)) {
    case "n:": {
      if (!/^(-?(\d+(\.\d+)?(e[+-]?\d+)?|Infinity|0)|NaN)$/.test(body)) {
        throw new ProtocolError(`${what}: ${show(token)} is not a number`);
      }
      return Number(body);
    }
    case "b:":
      return runsToBytes(body, what);
    case "s:":
      return unpct(body, what);
    case "o:":
      if (!/^[a-z]{1,20}$/.test(body)) throw new ProtocolError(`${what}: ${show(token)} is not a type name`);
      return { [Symbol.toStringTag]: body };
  }
  throw new ProtocolError(`${what}: ${show(token)} is not a value`);
}
