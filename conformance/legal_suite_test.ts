import { corpusLegalHals, testPassesEverywhere } from "./testdata/suite.ts";

// The other half of the corpus loop's legal test HALs (see suite_test.ts).
testPassesEverywhere((await corpusLegalHals()).filter((_, index) => index % 2 === 1));
