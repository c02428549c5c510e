#!/usr/bin/env node
// Committed, unlike dist/: npm links a workspace's bins at install, before the build (the root's `prepare`),
// and skips a bin whose target is missing; this file exists from the clone on, so `npx eventloom` works after `npm ci`.
require('../dist/cli.js').main(process.argv.slice(2));
