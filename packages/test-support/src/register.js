// Lets a child process run the TypeScript sources directly: maps @eventloom/* to
// packages/*/src (as jest does) and compiles on the fly without type checks.
const Module = require('module');
const path = require('path');
const packages = path.resolve(__dirname, '../..');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  // Entry points too (@eventloom/core/spi): resolving one to dist/ would load a second copy of core.
  const match = /^@eventloom\/(core|in-memory|testing|mysql|kafka|cli)(?:\/(spi|contract))?$/.exec(request);
  return resolve.call(this, match ? path.join(packages, match[1], 'src', match[2] ?? '') : request, ...rest);
};
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
require('ts-node').register({
  transpileOnly: true,
  project: path.join(packages, '..', 'tsconfig.base.json'),
  compilerOptions: { composite: false, declaration: false, sourceMap: false },
});

