import path from 'node:path';
import { afterEvents, Eventloom, silentLogger } from '@eventloom/core';
import { MySqlDeadLetterStore, MySqlEventStore, mysqlInProcessTransport } from '@eventloom/mysql';
import { createTestDatabase, TestDatabase } from '@eventloom/test-support';
import { runCli } from '../src/program';

/** The test service module, as an operator passes it with --service. */
export const ledgerServiceModule = path.join(__dirname, 'ledger-service.ts');

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  /** stdout parsed, for --json runs. */
  json<T = any>(): T;
}

/** Runs `eventloom ...args` in this process, capturing what it prints. */
export async function cli(...args: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t), interactive: false });
  return { code, out: out.join('\n'), err: err.join('\n'), json: () => JSON.parse(out.join('\n')) };
}

/**
 * A migrated database with a running service on it: an in-process publisher
 * (positions) and the given subscribers delivered in process.
 */
export async function serviceDatabase(label: string): Promise<{ database: TestDatabase; store: MySqlEventStore; eventloom: Eventloom; close(): Promise<void> }> {
  const database = await createTestDatabase(label, { migrated: true });
  const store = new MySqlEventStore({ url: database.url, poolSize: 5 });
  const { transport } = await mysqlInProcessTransport(store, { pollIntervalMs: 5, checkpointIntervalMs: 10, logger: silentLogger });
  const eventloom = new Eventloom({
    eventStore: store,
    transport,
    deadLetters: MySqlDeadLetterStore.of(store),
    delivery: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 2 },
    repository: { snapshots: { ContractCounter: afterEvents(3) } },
    logger: silentLogger,
  });
  return {
    database,
    store,
    eventloom,
    async close() {
      await eventloom.close();
      await database.drop();
    },
  };
}
