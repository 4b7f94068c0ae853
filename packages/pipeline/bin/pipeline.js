#!/usr/bin/env node
// Thin shim: the CLI is compiled to dist/ by `npm ci` (root `prepare` script runs `tsc -b`).
import { runProcess } from '../dist/cli/process.js';
await runProcess();
