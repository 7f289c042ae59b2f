/**
 * Set by scripts/build.mjs (esbuild `define`): true only in the bundle built for the
 * integration tier (`--test`). The product bundle has `false`, so the code it guards (the
 * test port that stands in for the person) is dropped from the VSIX.
 */
declare const TWOKEY_TEST_BUILD: boolean;
