/** The exact verdict of a board of 5,000 regions (issue 19), on seeds 1-10: it passes. */
import { testEdges } from "./testdata/edges.ts";

testEdges([{ fixture: "legal/regions_5000" }]);
