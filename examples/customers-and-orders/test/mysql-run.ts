import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { silentLogger } from '@eventloom/core';
import { MySqlRuntime, mysqlRuntime } from '../src/runtime/mysql-runtime';

// `EVENTLOOM_MYSQL_URL=... npm start`: one process on MySQL; events delivered in process, or through Kafka with KAFKA_BROKERS.
const server = (process.env.EVENTLOOM_MYSQL_SERVER ?? 'mysql://root@127.0.0.1:3306').replace(/\/+$/, '');

/** The two ways a one-process MySQL run delivers events: [label, brokers or undefined]. */
export const DELIVERIES: Array<[string, string | undefined]> = [
  ['in process', undefined],
  ['through Kafka', process.env.KAFKA_BROKERS ?? '127.0.0.1:9092'],
];

export interface MySqlRun {
  /** A runtime on a database, topics and groups of this run's own (other runs share the servers). */
  runtime(): Promise<MySqlRuntime>;
  /** Drops the run's database. */
  drop(): Promise<void>;
}

export function mysqlRun(label: string, brokers: string | undefined): MySqlRun {
  const run = `e2e_${label}_${brokers ? 'kafka' : 'local'}_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  return {
    async runtime() {
      const runtime = await mysqlRuntime({ mysqlUrl: `${server}/${run}`, brokers, topicPrefix: `${run}.`, groupIdPrefix: `${run}.`, logger: silentLogger });
      expect(runtime.delivery).toBe(brokers ? 'kafka' : 'in-process');
      return runtime;
    },
    async drop() {
      const connection = await mysql.createConnection(server);
      await connection.query(`DROP DATABASE IF EXISTS \`${run}\``);
      await connection.end();
    },
  };
}
