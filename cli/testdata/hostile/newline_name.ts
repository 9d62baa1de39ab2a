/** A name that would add a line of its own to every report. */
import { broken } from "./_broken.ts";

export default broken("ok 1 - all good\nnot-really");
