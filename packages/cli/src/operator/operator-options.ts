import { Command, Option } from 'commander';

/** The options every command that reads a service's database takes. */
export interface StoreOptions {
  readonly mysql?: string;
  readonly tablePrefix: string;
  readonly waitMs: string;
  readonly service?: string;
  readonly json?: boolean;
}

/** Plus Kafka, for the commands that look at consumer groups or hand over to them. */
export interface KafkaOptions {
  readonly kafka?: string;
  readonly topicPrefix?: string;
  readonly groupIdPrefix?: string;
}

export function withStoreOptions(command: Command): Command {
  return command
    .option('--mysql <url>', 'the service database, mysql://user:password@host:3306/db (default: $EVENTLOOM_MYSQL_URL)')
    .option('--table-prefix <prefix>', 'prefix of the Eventloom tables', '')
    .option('--wait-ms <ms>', 'keep retrying an unreachable server this long', '2000')
    .option('--service <module>', "the service's module exporting defineService({ aggregates, subscribers }) (see the README)")
    .option('--json', 'print JSON for scripts');
}

export function withKafkaOptions(command: Command): Command {
  return command
    .addOption(new Option('--kafka <brokers>', 'Kafka brokers host:port,... (default: $KAFKA_BROKERS); the subscribers read Kafka'))
    .option('--topic-prefix <prefix>', "prefix of the topics (default 'eventloom.')")
    .option('--group-id-prefix <prefix>', 'prefix of the consumer group ids (default none)');
}
