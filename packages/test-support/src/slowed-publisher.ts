// A test program, run as a child process by @eventloom/kafka's failover.int.spec.ts (through ChildPublisher):
// @eventloom/mysql's publisher with a KafkaSink whose every send waits first, so that a
// publisher killed "mid-stream" is mid-stream however fast this machine happens to be.
//   node -r ./register.js slowed-publisher.ts --mysql <url> --kafka <brokers> --send-delay-ms <n> [...]
import { parseArgs } from 'node:util';
import { consoleLogger } from '@eventloom/core';
import { describeError, PublicationSink, SequencedEvent, sleep } from '@eventloom/core/spi';
import { startPublisher } from '@eventloom/mysql';
import { KafkaSink } from '@eventloom/kafka';

/** A sink that waits `delayMs` before handing each batch to `sink`. */
export function slowedSink<E extends SequencedEvent>(sink: PublicationSink<E>, delayMs: number): PublicationSink<E> {
  return {
    start: () => sink.start(),
    send: async (events) => {
      await sleep(delayMs);
      await sink.send(events);
    },
    stop: () => sink.stop(),
  };
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      mysql: { type: 'string' },
      kafka: { type: 'string' },
      'table-prefix': { type: 'string' },
      'topic-prefix': { type: 'string' },
      'batch-size': { type: 'string' },
      'poll-ms': { type: 'string' },
      'send-delay-ms': { type: 'string' },
    },
  });
  const number = (name: keyof typeof values) => {
    const n = Number(values[name]);
    if (values[name] === undefined || !Number.isInteger(n) || n < 0) throw new Error(`--${name} must be an integer >= 0, got '${values[name]}'.`);
    return n;
  };
  if (!values.mysql || !values.kafka) throw new Error('--mysql <url> and --kafka <brokers> are required.');
  const sink = new KafkaSink({ kafka: { brokers: values.kafka }, topicPrefix: values['topic-prefix'], logger: consoleLogger });
  const publisher = await startPublisher({
    mysqlUrl: values.mysql,
    tablePrefix: values['table-prefix'],
    batchSize: number('batch-size'),
    pollIntervalMs: number('poll-ms'),
    sink: slowedSink(sink, number('send-delay-ms')),
    logger: consoleLogger,
  });
  consoleLogger.info(`publisher started (pid ${process.pid})`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await publisher.stop();
  consoleLogger.info('publisher stopped');
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`slowed-publisher: ${describeError(error)}\n`);
      process.exit(1);
    },
  );
}
