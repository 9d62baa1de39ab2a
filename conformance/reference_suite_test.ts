import { referenceHals } from "../impls/mod.ts";
import { testPassesEverywhere } from "./testdata/suite.ts";

// The reference HALs; the legal test HALs are in suite_test.ts and legal_suite_test.ts (so --parallel splits the work).
testPassesEverywhere(referenceHals());
