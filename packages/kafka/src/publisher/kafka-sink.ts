import { Admin, Kafka, Message } from 'kafkajs';
import { Logger } from '@eventloom/core';
import { positiveInteger, PublicationSink, SequencedEvent } from '@eventloom/core/spi';
import { resolveBrokers } from '../config';
import { KafkaConfigurationError } from '../errors';
import { connectAdmin, createKafka, unreachable } from '../kafka-client';
import { encodePublishedEvent } from '../wire/published-event-codec';
import { encodeTramMessage, isCommandOrReply } from '../wire/tram-message-codec';
import { ensureTopics } from '../topics';
import { KafkaTopology, KafkaTopologyOptions, topologyOf } from '../topology';
import { ClusterMetadata, IdempotentProducer, KafkaProduceError } from './producer/idempotent-producer';
import { OutgoingRecord } from './producer/record-batch';

/** The topic prefix and partitions come one by one or as one `topology` (kafkaTopology()), shared with the transport. */
export interface KafkaSinkOptions extends Omit<KafkaTopologyOptions, 'groupIdPrefix'> {
  readonly kafka?: { readonly brokers?: string | readonly string[]; readonly clientId?: string };
  readonly topology?: KafkaTopology;
  /** Upper bound of one produce request, bytes (default 900 000, under Kafka's 1 MiB). */
  readonly maxRequestBytes?: number;
  readonly logger?: Logger;
}

/**
 * The publisher's Kafka side: sends a batch of sequenced events, in position
 * order, to one topic per aggregate type (keyed by aggregate id), in as few
 * produce requests as fit under maxRequestBytes, up to 5 under way per
 * broker, acknowledged by all in-sync replicas (acks=-1), through the
 * idempotent producer in ./producer (kafkajs's record encoding was most of the
 * publisher's CPU; kafkajs's admin client still gives the metadata). Creates
 * the topics it has not seen. send() resolves once Kafka acknowledged all.
 * An event's `metadataJson`, when the store gave it, is turned into wire metadata once per run of events sharing it.
 */
export class KafkaSink implements PublicationSink {
  readonly brokers: string[];
  readonly topology: KafkaTopology;
  private readonly maxRequestBytes: number;
  private readonly kafka: Kafka;
  private readonly knownTopics = new Set<string>();
  private readonly clientId: string;
  private producer?: IdempotentProducer;
  private admin?: Admin;

  constructor(options: KafkaSinkOptions = {}) {
    this.brokers = resolveBrokers(options.kafka?.brokers);
    this.topology = topologyOf(options, 'KafkaSink');
    this.maxRequestBytes = positiveInteger('maxRequestBytes', options.maxRequestBytes ?? 900_000, KafkaConfigurationError);
    this.clientId = options.kafka?.clientId ?? 'eventloom-publisher';
    this.kafka = createKafka({ brokers: this.brokers, clientId: this.clientId, logger: options.logger });
  }

  async start(): Promise<void> {
    const admin = await connectAdmin(this.kafka, this.brokers);
    this.admin = admin;
    this.producer = new IdempotentProducer({
      clientId: this.clientId,
      maxRequestBytes: this.maxRequestBytes,
      metadata: clusterMetadata(admin),
    });
  }

  async send(events: readonly SequencedEvent[]): Promise<void> {
    try {
      await this.sendEvents(events);
    } catch (error) {
      throw unreachable(error, this.brokers);
    }
  }

  async stop(): Promise<void> {
    this.producer?.close();
    await this.admin?.disconnect().catch(() => undefined);
    this.producer = undefined;
    this.admin = undefined;
  }

  private async sendEvents(events: readonly SequencedEvent[]): Promise<void> {
    const producer = this.producer;
    const admin = this.admin;
    if (!producer || !admin) throw new Error('KafkaSink.send before start()');
    const records = events.map((event) => ({
      topic: this.topology.topicOf(event.aggregateType),
      record: outgoing(mayBeMessage(event) && isCommandOrReply(event) ? encodeTramMessage(event) : encodePublishedEvent(event, event.metadataJson)),
    }));
    await ensureTopics(admin, records.map((r) => r.topic), this.topology.partitions, this.knownTopics);
    await producer.send(records);
  }
}

/**
 * False when the stored metadata JSON has no `messageHeaders` field, so the
 * event is no Tram command or reply: spares parsing every event's metadata
 * (isCommandOrReply reads it parsed) just to find out.
 */
function mayBeMessage(event: SequencedEvent): boolean {
  return event.metadataJson === undefined || event.metadataJson.includes('"messageHeaders"');
}

/** The codecs' kafkajs-shaped message as the producer writes it (every part text). */
function outgoing(message: Message): OutgoingRecord {
  const headers: Array<[string, string]> = [];
  for (const name in message.headers) {
    const value = message.headers[name];
    if (value !== undefined) headers.push([name, String(value)]);
  }
  return { key: String(message.key), value: String(message.value), headers };
}

/** The producer's view of the cluster, from an admin client (each call asks the cluster afresh). */
export function clusterMetadata(admin: Admin): ClusterMetadata {
  return {
    async topics(topics) {
      const { topics: found } = await admin.fetchTopicMetadata({ topics: [...topics] });
      return new Map(
        found.map((t) => {
          const leaders: number[] = [];
          for (const p of t.partitions) leaders[p.partitionId] = p.leader;
          return [t.name, { leaders }] as const;
        }),
      );
    },
    async broker(nodeId) {
      const { brokers } = await admin.describeCluster();
      const broker = nodeId < 0 ? [...brokers].sort((a, b) => a.nodeId - b.nodeId)[0] : brokers.find((b) => b.nodeId === nodeId);
      if (!broker) throw new KafkaProduceError(`Kafka broker ${nodeId} is not in the cluster's metadata.`);
      return { host: broker.host, port: broker.port };
    },
  };
}
