import { Admin, Message, Producer, TopicMessages } from 'kafkajs';
import { encodePublishedEvent } from '../wire/published-event-codec';
import { ensureTopics, topicFor } from '../topics';
import { SequencedEvent } from './sequencer';

export interface SenderOptions {
  readonly topicPrefix: string;
  readonly partitions: number;
  /** Upper bound of one produce request; Kafka refuses record batches over message.max.bytes (1 MiB by default). */
  readonly maxRequestBytes: number;
}

/**
 * Sends a batch of sequenced events, in position order, in as few produce
 * requests as fit under maxRequestBytes, each acknowledged by all in-sync
 * replicas (acks=-1) before the next. Creates the topics it has not seen.
 */
export class KafkaSender {
  private readonly knownTopics = new Set<string>();

  constructor(
    private readonly producer: Producer,
    private readonly admin: Admin,
    private readonly options: SenderOptions,
  ) {}

  async send(events: readonly SequencedEvent[]): Promise<void> {
    const encoded = events.map((event) => ({ topic: topicFor(event.aggregateType, this.options.topicPrefix), message: encodePublishedEvent(event, event.metadataJson) }));
    await ensureTopics(this.admin, encoded.map((e) => e.topic), this.options.partitions, this.knownTopics);
    let chunk = new Map<string, Message[]>();
    let bytes = 0;
    const flush = async () => {
      if (chunk.size === 0) return;
      const topicMessages: TopicMessages[] = [...chunk].map(([topic, messages]) => ({ topic, messages }));
      chunk = new Map();
      bytes = 0;
      await this.producer.sendBatch({ topicMessages, acks: -1 });
    };
    for (const { topic, message } of encoded) {
      const size = sizeOf(message);
      if (bytes > 0 && bytes + size > this.options.maxRequestBytes) await flush();
      const list = chunk.get(topic);
      if (list) list.push(message);
      else chunk.set(topic, [message]);
      bytes += size;
    }
    await flush();
  }
}

function sizeOf(message: Message): number {
  let size = 70 + Buffer.byteLength(String(message.key ?? "")) + Buffer.byteLength(String(message.value ?? ""));
  for (const [name, value] of Object.entries(message.headers ?? {})) size += name.length + Buffer.byteLength(String(value)) + 2;
  return size;
}
