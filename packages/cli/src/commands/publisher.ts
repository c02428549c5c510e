import { Command } from 'commander';
import { consoleLogger } from '@eventloom/core';
import { startPublisher } from '@eventloom/kafka';
import type { TopicNaming } from '@eventloom/kafka';
import { MYSQL_URL_ENV } from '@eventloom/mysql';
import { CliUsageError } from '../operator/cli-errors';

export function publisherCommand(): Command {
  return new Command('publisher')
    .description('publish stored events to Kafka until SIGINT/SIGTERM; run as many as you like: one leads (MySQL lock), another takes over if it dies')
    .option('--mysql <url>', `mysql://user:pass@host:port/db (default: $${MYSQL_URL_ENV})`)
    .option('--kafka <brokers>', 'host:port,... (default: $KAFKA_BROKERS, then 127.0.0.1:9092)')
    .option('--table-prefix <prefix>', 'prefix of the Eventloom tables')
    .option('--topic-prefix <prefix>', "prefix of the topics (default 'eventloom.'; '' for none)")
    .option('--topic-naming <naming>', "'eventloom' (default) or 'eventuate' (Eventuate's topics: one per aggregate type, no prefix)")
    .option('--partitions <n>', 'partitions of the topics it creates (default 4)')
    .option('--batch-size <n>', 'events per batch (default 5000)')
    .option('--poll-ms <n>', 'idle poll interval (default 25)')
    .option('--instance-id <id>', 'name in logs (default host:pid)')
    .action(async (options: Record<string, string | undefined>) => {
      const mysqlUrl = options.mysql ?? process.env[MYSQL_URL_ENV];
      if (!mysqlUrl) throw new CliUsageError(`--mysql <url> is required (or set $${MYSQL_URL_ENV}).`);
      process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
      const publisher = await startPublisher({
        mysqlUrl,
        kafka: { brokers: options.kafka },
        tablePrefix: options.tablePrefix,
        topicPrefix: options.topicPrefix,
        topicNaming: topicNaming(options.topicNaming),
        partitions: positive('--partitions', options.partitions),
        batchSize: positive('--batch-size', options.batchSize),
        pollIntervalMs: positive('--poll-ms', options.pollMs),
        instanceId: options.instanceId,
        logger: consoleLogger,
      });
      consoleLogger.info(`publisher started (pid ${process.pid})`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await publisher.stop();
      consoleLogger.info('publisher stopped');
    });
}

function topicNaming(value?: string): TopicNaming | undefined {
  if (value === undefined || value === 'eventloom' || value === 'eventuate') return value;
  throw new CliUsageError(`--topic-naming must be 'eventloom' or 'eventuate', got '${value}'.`);
}

function positive(flag: string, value?: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CliUsageError(`${flag} must be a positive integer, got '${value}'.`);
  return n;
}
