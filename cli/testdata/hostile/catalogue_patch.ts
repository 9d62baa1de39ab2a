/** Imports halconf and fast-check and guts them: the catalogue emptied, properties that always hold. */
import fc from "fast-check";
import { CHECKS, judgeTrace } from "@halconf/halconf";
import { broken } from "./_broken.ts";

const attempts: [string, () => void][] = [
  ["empty the catalogue", () => (CHECKS as unknown[]).length = 0],
  ["stub Property.run", () => Object.getPrototypeOf(fc.property(fc.nat(), () => true)).run = () => null],
  ["stub fc.check", () => (fc as unknown as Record<string, unknown>).check = () => ({ failed: false })],
  ["stub fc.assert", () => Object.defineProperty(fc, "assert", { value: () => {} })],
];
for (const [what, attempt] of attempts) {
  try {
    attempt();
    console.error(`catalogue-patch: ${what}: done`);
  } catch (error) {
    console.error(`catalogue-patch: ${what}: ${(error as Error).message}`);
  }
}
void judgeTrace;
export default broken("catalogue-patch");
