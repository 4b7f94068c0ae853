#!/usr/bin/env node
// Thin shim: the CLI is compiled to dist/ by `npm ci` (root `prepare` script runs `tsc -b`).
import { main } from '../dist/cli/main.js';
process.exitCode = await main(process.argv.slice(2));
