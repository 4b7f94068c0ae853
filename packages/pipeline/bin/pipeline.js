#!/usr/bin/env node
// Thin shim: the CLI lives in dist/ (built by `npm ci` through the root `prepare` script).
import { main } from "../dist/cli.js";
await main(process.argv.slice(2));
