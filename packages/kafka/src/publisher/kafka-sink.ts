import { Admin, Kafka, Message, Partitioners, Producer, TopicMessages } from 'kafkajs';
import { Logger } from '@eventloom/core';
import { positiveInteger, PublicationSink, SequencedEvent } from '@eventloom/core/spi';
import { resolveBrokers } from '../config';
import { KafkaConfigurationError } from '../errors';
import { connectAdmin, createKafka, unreachable } from '../kafka-client';
import { encodePublishedEvent } from '../wire/published-event-codec';
import { encodeTramMessage, isCommandOrReply } from '../wire/tram-message-codec';
import { ensureTopics } from '../topics';
import { KafkaTopology, KafkaTopologyOptions, topologyOf } from '../topology';

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
 * produce requests as fit under maxRequestBytes, each acknowledged by all
 * in-sync replicas (acks=-1, idempotent producer) before the next. Creates
 * the topics it has not seen. send() resolves once Kafka acknowledged all.
 * An event's `metadataJson`, when the store gave it, is sent as is.
 */
export class KafkaSink implements PublicationSink {
  readonly brokers: string[];
  readonly topology: KafkaTopology;
  private readonly maxRequestBytes: number;
  private readonly kafka: Kafka;
  private readonly knownTopics = new Set<string>();
  private producer?: Producer;
  private admin?: Admin;

  constructor(options: KafkaSinkOptions = {}) {
    this.brokers = resolveBrokers(options.kafka?.brokers);
    this.topology = topologyOf(options, 'KafkaSink');
    this.maxRequestBytes = positiveInteger('maxRequestBytes', options.maxRequestBytes ?? 900_000, KafkaConfigurationError);
    this.kafka = createKafka({ brokers: this.brokers, clientId: options.kafka?.clientId ?? 'eventloom-publisher', logger: options.logger });
  }

  async start(): Promise<void> {
    const admin = await connectAdmin(this.kafka, this.brokers);
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 8, maxRetryTime: 5_000 },
    });
    try {
      await producer.connect();
    } catch (error) {
      await admin.disconnect();
      throw unreachable(error, this.brokers);
    }
    this.admin = admin;
    this.producer = producer;
  }

  async send(events: readonly SequencedEvent[]): Promise<void> {
    try {
      await this.sendBatches(events);
    } catch (error) {
      throw unreachable(error, this.brokers);
    }
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.producer?.disconnect(), this.admin?.disconnect()]);
    this.producer = undefined;
    this.admin = undefined;
  }

  private async sendBatches(events: readonly SequencedEvent[]): Promise<void> {
    const producer = this.producer;
    const admin = this.admin;
    if (!producer || !admin) throw new Error('KafkaSink.send before start()');
    const encoded = events.map((event) => ({ topic: this.topology.topicOf(event.aggregateType), message: isCommandOrReply(event) ? encodeTramMessage(event) : encodePublishedEvent(event, event.metadataJson) }));
    await ensureTopics(admin, encoded.map((e) => e.topic), this.topology.partitions, this.knownTopics);
    let chunk = new Map<string, Message[]>();
    let bytes = 0;
    const flush = async () => {
      if (chunk.size === 0) return;
      const topicMessages: TopicMessages[] = [...chunk].map(([topic, messages]) => ({ topic, messages }));
      chunk = new Map();
      bytes = 0;
      await producer.sendBatch({ topicMessages, acks: -1 });
    };
    for (const { topic, message } of encoded) {
      const size = sizeOf(message);
      if (bytes > 0 && bytes + size > this.maxRequestBytes) await flush();
      const list = chunk.get(topic);
      if (list) list.push(message);
      else chunk.set(topic, [message]);
      bytes += size;
    }
    await flush();
  }
}

function sizeOf(message: Message): number {
  let size = 70 + Buffer.byteLength(String(message.key ?? '')) + Buffer.byteLength(String(message.value ?? ''));
  for (const [name, value] of Object.entries(message.headers ?? {})) size += name.length + Buffer.byteLength(String(value)) + 2;
  return size;
}
