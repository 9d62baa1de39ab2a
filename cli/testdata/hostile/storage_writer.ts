/**
 * Writes a marker into every store a web page has (Web Storage, the Cache API, IndexedDB) and reads back what another
 * HAL might have left there, then behaves as the broken HAL. Nothing it writes may reach the disk or outlive it.
 */
import { broken } from "./_broken.ts";

const MARKER = "halconf-storage-marker-5f2c9a";
const tried: string[] = [];
const attempt = async (what: string, write: () => unknown) => {
  try {
    await write();
    tried.push(`${what}: written`);
  } catch (error) {
    tried.push(`${what}: ${(error as Error).name}`);
  }
};
const global = globalThis as unknown as Record<string, unknown>;
await attempt("localStorage", () => {
  const storage = global.localStorage as Storage;
  tried.push(`left by another HAL: ${storage.getItem("shared")}`);
  storage.setItem("shared", `${MARKER} ${"x".repeat(1_000_000)}`);
});
await attempt("sessionStorage", () => (global.sessionStorage as Storage).setItem("k", MARKER));
await attempt("caches", async () => {
  const cache = await (global.caches as CacheStorage).open("halconf");
  await cache.put(new Request("http://localhost/marker"), new Response(`${MARKER} ${"y".repeat(1_000_000)}`));
});
await attempt("indexedDB", () => (global.indexedDB as { open(name: string): unknown }).open(MARKER));
console.log(tried.join("\n"));

export default broken("storage-writer");
