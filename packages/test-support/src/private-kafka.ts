import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { eventually } from '@eventloom/testing';
import { freePort } from './free-port';

const kafkaScript = path.resolve(__dirname, '..', '..', '..', 'scripts', 'kafka.sh');

/**
 * A single-node Kafka broker of one test's own (scripts/kafka.sh with its own
 * ports and data directory), for tests that take the broker away: never the
 * shared broker. Uses the jars kafka.sh fetched for the shared one.
 */
export interface PrivateKafka {
  /** 127.0.0.1:<port> */
  readonly brokers: string;
  /** Kills the broker at once (SIGKILL: an outage, not a shutdown). */
  kill(): Promise<void>;
  /** Starts it again on the same data and ports; resolves once it answers. */
  start(): Promise<void>;
  /** Kills it and removes its data. */
  destroy(): Promise<void>;
}

export async function startPrivateKafka(): Promise<PrivateKafka> {
  const data = await mkdtemp(path.join(tmpdir(), 'eventloom-kafka-'));
  const port = await freePort();
  const env = {
    ...process.env,
    EVENTLOOM_KAFKA_DATA: data,
    EVENTLOOM_KAFKA_PORT: String(port),
    EVENTLOOM_KAFKA_CONTROLLER_PORT: String(await freePort()),
    EVENTLOOM_KAFKA_PARTITIONS: '4',
    EVENTLOOM_KAFKA_HEAP: '384m',
  };
  const start = async () => {
    await promisify(execFile)('bash', [kafkaScript, 'start'], { env });
  };
  const kill = async () => {
    const pid = Number((await readFile(path.join(data, 'kafka.pid'), 'utf8').catch(() => '')).trim());
    if (!pid) return;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      return; // gone already
    }
    await eventually(() => !alive(pid), `broker pid ${pid} to exit`, 30_000, 100);
    await rm(path.join(data, 'kafka.pid'), { force: true });
  };
  await start();
  return {
    brokers: `127.0.0.1:${port}`,
    kill,
    start,
    async destroy() {
      await kill();
      await rm(data, { recursive: true, force: true });
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
