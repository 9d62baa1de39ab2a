import { loadLegalHals } from "./testdata/load.ts";
import { testPassesEverywhere } from "./testdata/suite.ts";

// The other half of the legal test HALs (see suite_test.ts).
testPassesEverywhere((await loadLegalHals()).filter((_, index) => index % 2 === 1));
