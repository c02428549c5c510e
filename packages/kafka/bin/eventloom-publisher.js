#!/usr/bin/env node
// Committed, unlike dist/: npm links a workspace's bins at install, before the build, and skips a missing target.
require('../dist/cli.js').main();
