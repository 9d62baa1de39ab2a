/** Prints an error with its stack frames on stderr, then exits while loading: the message must be what is reported. */
console.error("Error: the firmware table is missing\n    at boot (file:///x/hal.ts:3:9)\n    at file:///x/hal.ts:9:1");
Deno.exit(1);
