import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where scripts/kafka.sh keeps the broker's jars (EVENTLOOM_KAFKA_HOME, default ~/.cache/eventloom-kafka). */
export function kafkaLibs(): string {
  return path.join(process.env.EVENTLOOM_KAFKA_HOME ?? path.join(os.homedir(), '.cache', 'eventloom-kafka'), 'libs');
}

export interface JavaProducerRun {
  readonly records: number;
  readonly recordsPerSecond: number;
  /** ProducerPerformance's own summary line. */
  readonly summary: string;
}

/**
 * The reference for the publisher: Kafka's own Java producer
 * (org.apache.kafka.tools.ProducerPerformance, from the broker's cached jars)
 * sending `records` records of `recordSize` bytes to an existing topic, as
 * fast as it can, acks=all, idempotent: the same guarantees the publisher
 * asks for. Its rate is timed by the tool from the first send to the last
 * acknowledgement (JVM start not included).
 */
export async function runJavaProducer(brokers: string, topic: string, records: number, recordSize: number): Promise<JavaProducerRun> {
  const libs = kafkaLibs();
  if (!existsSync(libs)) {
    throw new Error(`Kafka's jars are not in ${libs}: run \`bash scripts/kafka.sh ensure\` once to fetch them.`);
  }
  const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const { stdout } = await run(
    java,
    [
      '-Xmx512m',
      '-cp',
      `${libs}/*`,
      'org.apache.kafka.tools.ProducerPerformance',
      '--topic',
      topic,
      '--num-records',
      String(records),
      '--record-size',
      String(recordSize),
      '--throughput',
      '-1',
      '--producer-props',
      `bootstrap.servers=${brokers}`,
      'acks=all',
      'enable.idempotence=true',
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  // The last line: "100000 records sent, 68493.2 records/sec (26.13 MB/sec), ... ms avg latency, ..."
  const summary = stdout.trim().split('\n').reverse().find((line) => /records sent/.test(line));
  const match = summary && /([\d.]+) records\/sec/.exec(summary);
  if (!summary || !match) throw new Error(`ProducerPerformance printed no summary:\n${stdout}`);
  return { records, recordsPerSecond: Number(match[1]), summary };
}
