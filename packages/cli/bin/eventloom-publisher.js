#!/usr/bin/env node
// Deprecated alias of `eventloom publisher`, kept so that scripts written for @eventloom/kafka's old executable still run.
process.stderr.write('eventloom-publisher is deprecated: use `eventloom publisher` (same options).\n');
require('../dist/cli.js').main(['publisher', ...process.argv.slice(2)]);
