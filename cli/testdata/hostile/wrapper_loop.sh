# A driver behind a wrapper that does not exec it: the driver is a grandchild of halconf, and never answers.
deno run --quiet -A driver/testdata/fake_driver.ts silent
