/** Exits with 0 while loading, before any handshake. */
Deno.exit(0);
