import { ApiKey, BrokerConnection } from './broker-connection';
import { KeyPartitioner } from './partitioner';
import { encodeRecordBatch, OutgoingRecord } from './record-batch';

/** Where a topic's partitions lead: a partition's index → its leader's node id (-1: none now). */
export interface TopicLeaders {
  readonly leaders: readonly number[];
}

/** What the producer asks of the cluster's metadata (the sink answers from kafkajs's admin client). */
export interface ClusterMetadata {
  topics(topics: readonly string[]): Promise<Map<string, TopicLeaders>>;
  broker(nodeId: number): Promise<{ readonly host: string; readonly port: number }>;
}

export interface IdempotentProducerOptions {
  readonly clientId: string;
  readonly metadata: ClusterMetadata;
  /** Upper bound of one produce request's record batches, bytes. */
  readonly maxRequestBytes: number;
  /** Produce requests under way per broker (Kafka keeps the last 5 batches per partition to spot repeats; at most 5). */
  readonly maxInFlight?: number;
  readonly requestTimeoutMs?: number;
}

/** A produce request the broker refused, or a producer id it did not give. */
export class KafkaProduceError extends Error {
  override readonly name = 'KafkaProduceError';
  constructor(
    message: string,
    readonly code?: number,
  ) {
    super(message);
  }
}

interface Session {
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly connections: Map<number, BrokerConnection>;
  readonly leaders: Map<string, TopicLeaders>;
  /** Next sequence per "topic\0partition". */
  readonly sequences: Map<string, number>;
}

/**
 * A minimal idempotent Kafka producer for the publisher: acks from all
 * in-sync replicas, records written by the broker exactly once and in order
 * per partition (Kafka's producer id, epoch and per-partition sequences), up
 * to `maxInFlight` requests under way per broker on one connection, each
 * request's batches encoded while the previous ones wait for their
 * acknowledgement. No retries inside: the first refused request or broken
 * connection fails the send and ends the session; the next send starts a new
 * one (new connections, fresh metadata, a new producer id), as the publisher's
 * next leader term resends what was not marked published.
 */
export class IdempotentProducer {
  private session?: Promise<Session>;
  private readonly partitioner = new KeyPartitioner();
  private readonly maxInFlight: number;
  private readonly requestTimeoutMs: number;

  constructor(private readonly options: IdempotentProducerOptions) {
    this.maxInFlight = Math.min(5, options.maxInFlight ?? 5);
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  /** Sends records to their topics, keyed (partition by key), in order per partition; resolves once all are acknowledged. */
  async send(records: ReadonlyArray<{ readonly topic: string; readonly record: OutgoingRecord }>): Promise<void> {
    const session = await this.currentSession();
    try {
      await this.sendOn(session, records);
    } catch (error) {
      this.endSession(session);
      throw error;
    }
  }

  close(): void {
    void this.session?.then((s) => this.endSession(s), () => undefined);
    this.session = undefined;
  }

  private currentSession(): Promise<Session> {
    this.session ??= this.openSession();
    const opening = this.session;
    opening.catch(() => {
      if (this.session === opening) this.session = undefined;
    });
    return opening;
  }

  private endSession(session: Session): void {
    for (const connection of session.connections.values()) connection.close();
    void this.session?.then((current) => {
      if (current === session) this.session = undefined;
    }, () => undefined);
  }

  private async openSession(): Promise<Session> {
    const connections = new Map<number, BrokerConnection>();
    // Any broker gives an idempotent producer its id; the one of the lowest node id that answers metadata.
    const first = await this.options.metadata.broker(-1);
    const connection = new BrokerConnection(first.host, first.port, this.options.clientId, this.requestTimeoutMs);
    try {
      const request = Buffer.alloc(6);
      request.writeInt16BE(-1, 0); // transactional_id: null
      request.writeInt32BE(60_000, 2); // transaction_timeout_ms (unused without transactions)
      let response = await connection.request(ApiKey.initProducerId, 0, request);
      // A broker just started loads its coordinator state first: wait a little rather than fail the publisher's term.
      for (let tries = 1; COORDINATOR_LOADING.includes(response.readInt16BE(4)) && tries < 50; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        response = await connection.request(ApiKey.initProducerId, 0, request);
      }
      const code = response.readInt16BE(4);
      if (code !== 0) throw new KafkaProduceError(`Kafka gave no producer id: ${errorName(code)}.`, code);
      return { producerId: response.readBigInt64BE(6), producerEpoch: response.readInt16BE(14), connections, leaders: new Map(), sequences: new Map() };
    } finally {
      connection.close();
    }
  }

  private async connectionTo(session: Session, nodeId: number): Promise<BrokerConnection> {
    let connection = session.connections.get(nodeId);
    if (!connection || connection.broken) {
      if (connection?.broken) throw new KafkaProduceError(`The connection to Kafka broker ${connection.host}:${connection.port} broke.`);
      const { host, port } = await this.options.metadata.broker(nodeId);
      connection = new BrokerConnection(host, port, this.options.clientId, this.requestTimeoutMs);
      session.connections.set(nodeId, connection);
    }
    return connection;
  }

  private async sendOn(session: Session, records: ReadonlyArray<{ readonly topic: string; readonly record: OutgoingRecord }>): Promise<void> {
    const unknown = [...new Set(records.map((r) => r.topic))].filter((t) => !session.leaders.has(t));
    if (unknown.length > 0) for (const [topic, leaders] of await this.options.metadata.topics(unknown)) session.leaders.set(topic, leaders);
    // Per broker, per topic-partition, in the order given (= position order).
    const perBroker = new Map<number, Map<string, { topic: string; partition: number; records: OutgoingRecord[] }>>();
    for (const { topic, record } of records) {
      const leaders = session.leaders.get(topic)?.leaders;
      if (!leaders || leaders.length === 0) throw new KafkaProduceError(`Kafka has no metadata for topic '${topic}'.`);
      const partition = this.partitioner.partitionOf(record.key, leaders.length);
      const leader = leaders[partition];
      if (leader < 0) throw new KafkaProduceError(`Partition ${partition} of topic '${topic}' has no leader now.`, 5);
      let partitions = perBroker.get(leader);
      if (!partitions) perBroker.set(leader, (partitions = new Map()));
      const key = `${topic}\0${partition}`;
      const entry = partitions.get(key);
      if (entry) entry.records.push(record);
      else partitions.set(key, { topic, partition, records: [record] });
    }
    await Promise.all([...perBroker].map(([nodeId, partitions]) => this.sendToBroker(session, nodeId, [...partitions.values()])));
  }

  /**
   * Cuts each partition's records into batches of about maxRequestBytes /
   * partitions, so that one request holds a slice of every partition, and sends
   * the requests one after the other on the broker's connection, up to
   * maxInFlight unacknowledged. A request's batches take the next sequences
   * of their partitions; the broker applies a connection's requests in order.
   */
  private async sendToBroker(session: Session, nodeId: number, partitions: Array<{ topic: string; partition: number; records: OutgoingRecord[] }>): Promise<void> {
    const connection = await this.connectionTo(session, nodeId);
    const inFlight: Array<Promise<void>> = [];
    const cursors = partitions.map(() => 0);
    const share = Math.max(1, Math.floor(this.options.maxRequestBytes / partitions.length));
    let failure: unknown;
    while (partitions.some((p, i) => cursors[i] < p.records.length)) {
      const batches: Array<{ topic: string; partition: number; batch: Buffer; count: number }> = [];
      for (let i = 0; i < partitions.length; i++) {
        const { topic, partition, records } = partitions[i];
        if (cursors[i] >= records.length) continue;
        const slice = takeUpTo(records, cursors[i], share);
        cursors[i] += slice.length;
        const key = `${topic}\0${partition}`;
        const baseSequence = session.sequences.get(key) ?? 0;
        session.sequences.set(key, (baseSequence + slice.length) % 2 ** 31);
        batches.push({ topic, partition, count: slice.length, batch: encodeRecordBatch(slice, { producerId: session.producerId, producerEpoch: session.producerEpoch, baseSequence }) });
      }
      if (inFlight.length >= this.maxInFlight) await inFlight.shift();
      if (failure) break;
      const sent = connection.request(ApiKey.produce, 3, encodeProduceRequest(batches, this.requestTimeoutMs)).then(checkProduceResponse);
      sent.catch((error: unknown) => (failure ??= error));
      inFlight.push(sent.catch(() => undefined));
    }
    await Promise.all(inFlight);
    if (failure) throw failure;
  }
}

/** Records from `from` whose estimated size fits `bytes` (at least one). */
function takeUpTo(records: OutgoingRecord[], from: number, bytes: number): OutgoingRecord[] {
  let size = 0;
  let to = from;
  while (to < records.length) {
    const r = records[to];
    let s = 16 + r.key.length + r.value.length;
    for (const [n, v] of r.headers) s += 2 + n.length + v.length;
    if (to > from && size + s > bytes) break;
    size += s;
    to++;
  }
  return records.slice(from, to);
}

/** Produce v3: transactional_id (null), acks -1 (all in-sync replicas), timeout, [topic [partition, record set]]. */
function encodeProduceRequest(batches: Array<{ topic: string; partition: number; batch: Buffer }>, timeoutMs: number): Buffer[] {
  const byTopic = new Map<string, Array<{ partition: number; batch: Buffer }>>();
  for (const b of batches) {
    const list = byTopic.get(b.topic);
    if (list) list.push(b);
    else byTopic.set(b.topic, [b]);
  }
  const parts: Buffer[] = [];
  const head = Buffer.allocUnsafe(12);
  head.writeInt16BE(-1, 0);
  head.writeInt16BE(-1, 2);
  head.writeInt32BE(timeoutMs, 4);
  head.writeInt32BE(byTopic.size, 8);
  parts.push(head);
  for (const [topic, list] of byTopic) {
    const name = Buffer.from(topic);
    const topicHead = Buffer.allocUnsafe(2 + name.length + 4);
    topicHead.writeInt16BE(name.length, 0);
    name.copy(topicHead, 2);
    topicHead.writeInt32BE(list.length, 2 + name.length);
    parts.push(topicHead);
    for (const { partition, batch } of list) {
      const partitionHead = Buffer.allocUnsafe(8);
      partitionHead.writeInt32BE(partition, 0);
      partitionHead.writeInt32BE(batch.length, 4);
      parts.push(partitionHead, batch);
    }
  }
  return parts;
}

/** Produce v3 response: [topic [partition, error_code, base_offset, log_append_time]], throttle. Throws the first error. */
function checkProduceResponse(body: Buffer): void {
  let at = 0;
  const topics = body.readInt32BE(at);
  at += 4;
  for (let t = 0; t < topics; t++) {
    const nameLength = body.readInt16BE(at);
    const topic = body.toString('utf8', at + 2, at + 2 + nameLength);
    at += 2 + nameLength;
    const partitions = body.readInt32BE(at);
    at += 4;
    for (let p = 0; p < partitions; p++) {
      const partition = body.readInt32BE(at);
      const code = body.readInt16BE(at + 4);
      at += 4 + 2 + 8 + 8;
      // DUPLICATE_SEQUENCE_NUMBER: the broker already holds these records.
      if (code !== 0 && code !== 46) throw new KafkaProduceError(`Kafka refused records for ${topic} partition ${partition}: ${errorName(code)}.`, code);
    }
  }
}

/** COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE: InitProducerId answers these while a broker starts. */
const COORDINATOR_LOADING = [14, 15];

const ERRORS: Record<number, string> = {
  2: 'CORRUPT_MESSAGE',
  3: 'UNKNOWN_TOPIC_OR_PARTITION',
  5: 'LEADER_NOT_AVAILABLE',
  6: 'NOT_LEADER_OR_FOLLOWER',
  7: 'REQUEST_TIMED_OUT',
  10: 'MESSAGE_TOO_LARGE',
  14: 'COORDINATOR_LOAD_IN_PROGRESS',
  15: 'COORDINATOR_NOT_AVAILABLE',
  19: 'NOT_ENOUGH_REPLICAS',
  20: 'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  29: 'TOPIC_AUTHORIZATION_FAILED',
  45: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
  47: 'INVALID_PRODUCER_EPOCH',
  59: 'UNKNOWN_PRODUCER_ID',
  87: 'INVALID_RECORD',
};

function errorName(code: number): string {
  return `${ERRORS[code] ?? 'Kafka error'} (code ${code})`;
}
