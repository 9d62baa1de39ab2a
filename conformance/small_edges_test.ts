/** The exact verdicts of the small edge fixtures (`testdata/small_edges.ts`) on seeds 1-10. */
import { testEdges } from "./testdata/edges.ts";
import { SMALL_EDGES } from "./testdata/small_edges.ts";

testEdges(SMALL_EDGES);
