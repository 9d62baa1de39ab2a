/** Tries to pull code from the npm registry while it runs (a computed specifier: no tool sees it coming). */
import { broken } from "./_broken.ts";

const specifier = ["npm:", "left-pad", "@1.3.0"].join("");
try {
  await import(specifier);
  console.error("npm import: loaded");
} catch (error) {
  console.error(`npm import: refused: ${(error as Error).message.split("\n")[0]}`);
}
export default broken("npm-import");
