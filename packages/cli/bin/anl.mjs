#!/usr/bin/env node
// The `anl` command: everything lives in the built package; this file only hands it argv.
import { main } from '../dist/main.js';

process.exitCode = await main(process.argv.slice(2));
