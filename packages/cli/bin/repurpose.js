#!/usr/bin/env node
// Checked-in shim: runs the built CLI. `npm run build` (or `npm test`) produces dist/main.js.
import { run } from '../dist/main.js';

await run(process.argv.slice(2));
