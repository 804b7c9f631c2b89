#!/usr/bin/env node
// Checked-in shim: runs the built CLI. `npm run build` (or `npm test`) produces dist/main.js.
import { main } from '../dist/main.js';

process.exitCode = await main(process.argv.slice(2));
