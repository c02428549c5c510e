// Lets a child process run the TypeScript sources directly: maps @eventloom/* to
// packages/*/src (as jest does) and compiles on the fly without type checks.
const Module = require('module');
const path = require('path');
const packages = path.resolve(__dirname, '../../..');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const match = /^@eventloom\/(core|in-memory|testing|mysql|kafka)$/.exec(request);
  return resolve.call(this, match ? path.join(packages, match[1], 'src') : request, ...rest);
};
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
require('ts-node').register({
  transpileOnly: true,
  project: path.join(packages, '..', 'tsconfig.base.json'),
  compilerOptions: { composite: false, declaration: false, sourceMap: false },
});

// Tests that kill a publisher mid-stream slow its sends down, so that "mid-stream"
// does not depend on how fast this machine happens to be.
const sendDelayMs = Number(process.env.EVENTLOOM_TEST_SEND_DELAY_MS ?? 0);
if (sendDelayMs > 0) {
  const { KafkaSink } = require(path.join(packages, 'kafka', 'src', 'publisher', 'kafka-sink.ts'));
  const send = KafkaSink.prototype.send;
  KafkaSink.prototype.send = async function (events) {
    await new Promise((resolve) => setTimeout(resolve, sendDelayMs));
    return send.call(this, events);
  };
}
