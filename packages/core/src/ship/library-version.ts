/**
 * The version of @repurpose/core, as the model cards and exported configs record it. A constant (not
 * a JSON import of package.json, which would put the whole manifest into the browser bundle);
 * library-version.test.ts keeps it equal to package.json. Not a compatibility check.
 */
export const LIBRARY_VERSION = '0.1.0';
export const LIBRARY_NAME = '@repurpose/core';
