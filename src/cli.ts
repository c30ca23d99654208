#!/usr/bin/env node
import { run } from './cli/run.js';

void run(process.argv.slice(2), process.env, process).then((code) => {
  process.exitCode = code;
});
