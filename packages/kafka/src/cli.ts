#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { consoleLogger, Logger } from '@eventloom/core';
import { describeError } from '@eventloom/core/spi';
import { startPublisher } from './publisher/publisher';
import type { TopicNaming } from './topology';

const usage = `Usage: eventloom-publisher --mysql <url> [--kafka host:port,...] [options]

Publishes stored events to Kafka, one topic per aggregate type. Run as many
as you like: one leads (MySQL lock), the others take over if it dies.

  --mysql <url>          mysql://user:pass@host:port/db   (or EVENTLOOM_MYSQL_URL)
  --kafka <brokers>      host:port,...                    (or KAFKA_BROKERS; default 127.0.0.1:9092)
  --table-prefix <p>     prefix of the Eventloom tables   (default none)
  --topic-prefix <p>     prefix of the topics             (default 'eventloom.'; '' for none)
  --topic-naming <n>     'eventloom' or 'eventuate'       (default eventloom; eventuate: Eventuate's topics, no prefix)
  --partitions <n>       partitions of topics it creates  (default 4)
  --batch-size <n>       events per batch                 (default 5000)
  --poll-ms <n>          idle poll interval               (default 25)
  --instance-id <id>     name in logs                     (default host:pid)
`;

/** Runs the publisher until SIGINT/SIGTERM: the `eventloom-publisher` executable of this package. */
export async function runPublisherCli(argv: string[], logger: Logger = consoleLogger): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      mysql: { type: 'string' },
      kafka: { type: 'string' },
      'table-prefix': { type: 'string' },
      'topic-prefix': { type: 'string' },
      'topic-naming': { type: 'string' },
      partitions: { type: 'string' },
      'batch-size': { type: 'string' },
      'poll-ms': { type: 'string' },
      'instance-id': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(usage);
    return;
  }
  const mysqlUrl = values.mysql ?? process.env.EVENTLOOM_MYSQL_URL;
  if (!mysqlUrl) throw new Error(`--mysql (or EVENTLOOM_MYSQL_URL) is required.\n\n${usage}`);
  const number = (name: string, value?: string) => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got '${value}'.`);
    return n;
  };
  const publisher = await startPublisher({
    mysqlUrl,
    kafka: { brokers: values.kafka },
    tablePrefix: values['table-prefix'],
    topicPrefix: values['topic-prefix'],
    topicNaming: values['topic-naming'] as TopicNaming | undefined,
    partitions: number('partitions', values.partitions),
    batchSize: number('batch-size', values['batch-size']),
    pollIntervalMs: number('poll-ms', values['poll-ms']),
    instanceId: values['instance-id'],
    logger,
  });
  logger.info(`publisher started (pid ${process.pid})`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await publisher.stop();
  logger.info('publisher stopped');
}

/** Runs the command line of this process (bin/eventloom-publisher.js calls it). */
export function main(): void {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  runPublisherCli(process.argv.slice(2)).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`eventloom-publisher: ${describeError(error)}\n`);
      process.exit(1);
    },
  );
}

if (require.main === module) main();
