import type { TopicNaming } from '@eventloom/kafka';

/** Settings shared by the distributed services, from the environment. */
export function serviceConfig(database: string, defaultPort: number) {
  const base = (process.env.EVENTLOOM_MYSQL_SERVER ?? 'mysql://root@127.0.0.1:3306').replace(/\/+$/, '');
  const prefix = process.env.EVENTLOOM_DATABASE_PREFIX ?? '';
  return {
    mysqlUrl: `${base}/${prefix}${database}`,
    port: Number(process.env.PORT ?? defaultPort),
    // Separate services cooperate only through Kafka.
    brokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    topicPrefix: process.env.EVENTLOOM_TOPIC_PREFIX,
    // 'eventuate': Eventuate Java services can subscribe to the events (see the README).
    topicNaming: process.env.EVENTLOOM_TOPIC_NAMING as TopicNaming | undefined,
    groupIdPrefix: process.env.EVENTLOOM_GROUP_PREFIX,
    // How long the order service looks for a customer its replica has not seen yet (read-your-writes).
    replicaWaitMs: milliseconds('REPLICA_WAIT_MS', process.env.REPLICA_WAIT_MS ?? '10000'),
    sagaStyle: sagaStyle(process.env.SAGA_STYLE ?? 'choreography'),
  };
}

/** SAGA_STYLE: 'choreography' (events and workflows, the default) or 'orchestration' (commands, replies and sagas). */
export function sagaStyle(value: string): 'choreography' | 'orchestration' {
  if (value === 'choreography' || value === 'orchestration') return value;
  throw new Error(`SAGA_STYLE must be 'choreography' (the default) or 'orchestration', got '${value}'.`);
}

function milliseconds(name: string, value: string): number {
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 0) throw new Error(`${name} must be a whole number of milliseconds (0 or more), got '${value}'.`);
  return ms;
}
