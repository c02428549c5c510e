import { Eventloom, silentLogger } from '@eventloom/core';
import { aggregateDefinition, Class, PublicationLogTransport, subscriberDefinition } from '@eventloom/core/spi';
import {
  MySqlCheckpointStore,
  MySqlDeadLetterStore,
  MySqlEventStore,
  MySqlPublicationLog,
  MySqlRebuildMarks,
  MySqlReplays,
  resolveMySqlUrl,
} from '@eventloom/mysql';
import { kafkaTopology, KafkaTopology } from '@eventloom/kafka';
import { CliUsageError, ServiceCodeNeededError } from './cli-errors';
import { EventloomService } from './eventloom-service';
import { KafkaOptions, StoreOptions } from './operator-options';
import { loadServiceModule } from './service-module';

/**
 * Everything a command reads and writes, opened once from the command line:
 * the service's database (checked: reachable, migrated), its stores, and the
 * service's code when --service names it.
 */
export class OperatorContext {
  readonly deadLetters: MySqlDeadLetterStore;
  readonly checkpoints: MySqlCheckpointStore;
  readonly marks: MySqlRebuildMarks;
  readonly replays: MySqlReplays;
  readonly log: MySqlPublicationLog;
  private subscriberInstances?: Promise<Map<string, object>>;
  private eventloomInstance?: Eventloom;

  private constructor(
    readonly store: MySqlEventStore,
    readonly service: EventloomService | undefined,
    readonly topology: KafkaTopology | undefined,
    readonly kafkaBrokers: string | undefined,
  ) {
    this.deadLetters = MySqlDeadLetterStore.of(store);
    this.checkpoints = MySqlCheckpointStore.of(store);
    this.marks = MySqlRebuildMarks.of(store);
    this.replays = MySqlReplays.of(store);
    this.log = MySqlPublicationLog.of(store);
  }

  static async open(options: StoreOptions & Partial<KafkaOptions>): Promise<OperatorContext> {
    if (!options.mysql && !process.env.EVENTLOOM_MYSQL_URL) throw new CliUsageError('--mysql <url> is required (or set $EVENTLOOM_MYSQL_URL).');
    const waitMs = wholeNumber('--wait-ms', options.waitMs);
    const service = options.service === undefined ? undefined : loadServiceModule(options.service);
    const store = new MySqlEventStore({ url: resolveMySqlUrl(options.mysql), tablePrefix: options.tablePrefix, poolSize: 4 });
    try {
      // Names host:port when unreachable, the database when missing, `eventloom migrate` when the schema is old.
      await store.ready({ timeoutMs: waitMs });
    } catch (error) {
      await store.close();
      throw error;
    }
    const kafka = options.kafka ?? (options.topicPrefix !== undefined || options.groupIdPrefix !== undefined ? process.env.KAFKA_BROKERS ?? '' : undefined);
    const topology = kafka === undefined ? undefined : kafkaTopology({ topicPrefix: options.topicPrefix, groupIdPrefix: options.groupIdPrefix });
    return new OperatorContext(store, service, topology, kafka === '' ? undefined : kafka);
  }

  /**
   * How the CLI's admin reads reach Kafka: quietly (an unreachable broker is one BrokerUnreachableError at
   * the end, not kafkajs' line per retry) and with few retries, so a wrong --kafka fails in seconds.
   */
  get kafkaAccess(): { brokers?: string; config: { retry: { retries: number } } } {
    return { brokers: this.kafkaBrokers, config: { retry: { retries: 2 } } };
  }

  /** Subscribers run through Kafka (consumer groups) rather than in process (checkpoints). */
  get viaKafka(): boolean {
    return this.topology !== undefined;
  }

  /** The service's subscriber instances by id (empty without --service). */
  subscribers(): Promise<Map<string, object>> {
    this.subscriberInstances ??= (async () => {
      const built = (await this.service?.subscribers?.({ store: this.store })) ?? [];
      return new Map(built.map((s) => [subscriberDefinition(s).subscriberId, s] as const));
    })();
    return this.subscriberInstances;
  }

  /** The subscriber's instance from --service, or an error saying that this command needs it. */
  async subscriber(subscriberId: string, forWhat: string): Promise<object> {
    const found = (await this.subscribers()).get(subscriberId);
    if (found) return found;
    throw new ServiceCodeNeededError(
      this.service
        ? `The service module has no subscriber '${subscriberId}' (it has: ${[...(await this.subscribers()).keys()].join(', ') || 'none'}); ${forWhat} needs its code.`
        : `${forWhat} hands events to the subscriber's code: give --service <module> (a module exporting defineService({ subscribers })).`,
    );
  }

  /** The aggregate class of a type from --service, if it has one. */
  aggregateClass(aggregateType: string): Class<object> | undefined {
    return this.service?.aggregates?.find((c) => aggregateDefinition(c).type === aggregateType);
  }

  /**
   * An Eventloom on the CLI's store, for the service's handlers (their
   * ctx.update goes through its repository) and its deliveries (which park into
   * the service's parked_events). Its transport is in-process delivery from the
   * service's checkpoints: what an in-process replay subscribes with.
   */
  eventloom(): Eventloom {
    this.eventloomInstance ??= new Eventloom({
      eventStore: this.store,
      transport: new PublicationLogTransport({ log: this.log, checkpoints: this.checkpoints, logger: silentLogger }),
      deadLetters: this.deadLetters,
      logger: silentLogger,
    });
    return this.eventloomInstance;
  }

  async close(): Promise<void> {
    await this.store.close();
  }
}

export function wholeNumber(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0) throw new CliUsageError(`${flag} must be a whole number, got '${value}'.`);
  return n;
}
