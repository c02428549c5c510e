import 'reflect-metadata';
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { createConnection, Pool, RowDataPacket } from 'mysql2/promise';
import { silentLogger } from '@eventloom/core';
import { RunningApp } from '@eventloom/example-customers-and-orders/dist/app';
import { startMySqlApp } from '@eventloom/example-customers-and-orders/dist/mysql-app';
import { startMySqlOrchestratedApp } from '@eventloom/example-customers-and-orders/dist/orchestration/mysql-orchestrated-app';
import { mysqlRuntime } from '@eventloom/example-customers-and-orders/dist/runtime/mysql-runtime';
import { Section } from '../report/results';
import { median, round } from '../report/stats';
import { log } from '../support/mysql';
import { startPrivateMariaDb } from '../support/private-mariadb';

const STYLES = ['choreography', 'orchestration'] as const;
type Style = (typeof STYLES)[number];

/** What one run of one style cost per approved order, read off the server and the events table. */
interface Run {
  readonly style: Style;
  readonly orders: number;
  readonly millis: number;
  readonly ordersPerSecond: number;
  /** Rows written to the events table per order, by kind. */
  readonly events: { readonly domainEventSourced: number; readonly domainOutbox: number; readonly commands: number; readonly replies: number };
  /** SHOW GLOBAL STATUS deltas per order (the server is the benchmark's own: nobody else counts). */
  readonly commits: number;
  /** Com_rollback: transactions that failed, e.g. an append that lost a race and was retried. */
  readonly rollbacks: number;
  readonly inserts: number;
  readonly updates: number;
  /** Of `commits`, those of the publisher's sequencer (its lock connection): one per poll, with new rows or none. */
  readonly publisherCommits: number;
  /** Of `updates`, the publisher's: positions (sequencer) and published marks (after the sink took them, on the pool). */
  readonly publisherUpdates: number;
  readonly loadAverage: [number, number];
}

const ORDER_TOTAL = 10;
const CUSTOMERS = 20;

/**
 * What a saga costs per order, for the Customers & Orders example on MySQL in
 * one process (events delivered in process), run as the example runs and
 * driven over its HTTP API: the choreography (event-sourced Order, two
 * workflows) beside the orchestration (orders table, outbox, CreateOrderSaga,
 * a customer service answering commands), each with its order-history view.
 * HTTP rather than calling the route logic: the real wiring with nothing
 * copied, and the same client cost for both styles. Every order is approved
 * (credit enough). Each run gets a fresh database on a MariaDB of
 * the benchmark's own, so the server's global counters are this run's alone;
 * the styles alternate, and each figure is the median of the runs.
 */
export async function sagaCostBenchmark(runs: number, orders = Number(process.env.BENCH_SAGA_COST_ORDERS ?? 400), callers = Number(process.env.BENCH_SAGA_COST_CALLERS ?? 8)): Promise<Section> {
  const server = await startPrivateMariaDb();
  const data: Record<Style, Run[]> = { choreography: [], orchestration: [] };
  try {
    for (let i = 0; i < runs; i++) {
      const order = i % 2 === 0 ? STYLES : [...STYLES].reverse();
      for (const style of order) {
        const run = await runOnce(server.url, style, orders, callers);
        data[style].push(run);
        log(`saga-cost ${i + 1}/${runs} ${style}: ${round(run.ordersPerSecond, 0)} orders/s, ${round(run.commits, 2)} commits/order, events ${JSON.stringify(run.events)}, load ${run.loadAverage[0].toFixed(1)}`);
      }
    }
  } finally {
    await server.stop();
  }
  const med = (style: Style, pick: (r: Run) => number, digits = 2) => round(median(data[style].map(pick)), digits);
  const figures: Array<[string, (r: Run) => number, number]> = [
    ['domain events written (event-sourced)', (r) => r.events.domainEventSourced, 2],
    ['domain events written (outbox)', (r) => r.events.domainOutbox, 2],
    ['commands written', (r) => r.events.commands, 2],
    ['replies written', (r) => r.events.replies, 2],
    ['rows in events table, total', (r) => r.events.domainEventSourced + r.events.domainOutbox + r.events.commands + r.events.replies, 2],
    ['transactions committed (Com_commit)', (r) => r.commits, 2],
    ["… of which the publisher's sequencer polls", (r) => r.publisherCommits, 2],
    ["… of which the order's own work", (r) => r.commits - r.publisherCommits, 2],
    ['transactions rolled back (Com_rollback)', (r) => r.rollbacks, 2],
    ['INSERT statements (Com_insert)', (r) => r.inserts, 2],
    ['UPDATE statements (Com_update)', (r) => r.updates, 2],
    ["… of which the publisher's (positions, published marks)", (r) => r.publisherUpdates, 2],
    ['orders/s (whole saga, to approved)', (r) => r.ordersPerSecond, 0],
  ];
  const rows = figures.map(([name, pick, digits]) => {
    const c = med('choreography', pick, digits);
    const o = med('orchestration', pick, digits);
    return [name, c, o, c === 0 ? '—' : round(o / c, 2)];
  });
  const loads = STYLES.flatMap((s) => data[s].map((r) => r.loadAverage[0]));
  // Runs i of both styles ran back to back: their ratio shares the machine's moment.
  const pairedRatios = data.orchestration.map((o, i) => o.ordersPerSecond / data.choreography[i].ordersPerSecond);
  return {
    title: 'Saga cost per approved order: choreography vs orchestration (Customers & Orders, MySQL, one process)',
    target: 'no target: figures for the note (messages and transactions per order)',
    met: 'no target',
    columns: ['per approved order', 'choreography', 'orchestration', 'orchestration / choreography'],
    rows,
    notes: [
      `${orders} orders per run from ${callers} concurrent callers over ${CUSTOMERS} customers (all approved), events delivered in process (mysqlInProcessTransport, default polling); ${runs} runs per style, styles alternating, a fresh database each; medians.`,
      'Counters are SHOW GLOBAL STATUS deltas of a MariaDB started by the benchmark (nothing else on it), from the first order to the last approval and the order-history view caught up, publisher and subscription bookkeeping included; divided by the orders.',
      "Both styles are the example's own code (@eventloom/example-customers-and-orders: mysqlRuntime, startMySqlApp / startMySqlOrchestratedApp), driven over its HTTP API on port 0 (POST /customers, POST /orders; same routes, bodies and customer check for both styles); the order-history view is included, as the example wires it in both.",
      `orders/s, orchestration / choreography, median of the ${runs} back-to-back pairs: ${round(median(pairedRatios), 2)} (${pairedRatios.map((r) => round(r, 2)).join(', ')}); runs in orders/s: choreography ${data.choreography.map((r) => round(r.ordersPerSecond, 0)).join(', ')}; orchestration ${data.orchestration.map((r) => round(r.ordersPerSecond, 0)).join(', ')}.`,
      `1-minute load average at the runs' starts: median ${round(median(loads), 1)}, ${round(Math.min(...loads), 1)} to ${round(Math.max(...loads), 1)} (${os.cpus().length} CPUs).`,
    ],
    data,
  };
}

async function runOnce(serverUrl: string, style: Style, orders: number, callers: number): Promise<Run> {
  const name = `saga_cost_${style}_${process.pid}_${randomUUID().slice(0, 6)}`;
  // The example as `EVENTLOOM_MYSQL_URL=... [SAGA_STYLE=orchestration] npm start` runs it: its runtime, app and routes, on port 0.
  const runtime = await mysqlRuntime({ mysqlUrl: `${serverUrl}/${name}`, logger: silentLogger });
  let app: RunningApp | undefined;
  try {
    app = style === 'orchestration' ? await startMySqlOrchestratedApp(runtime, 0) : await startMySqlApp(runtime, 0);
    const { url } = app;
    const { pool } = runtime.store;
    const customers: string[] = [];
    for (let c = 0; c < CUSTOMERS; c++) customers.push((await post(url, '/customers', { name: `customer ${c}`, creditLimit: { amount: ORDER_TOTAL * orders } })).customerId);
    await runtime.eventloom.caughtUp();
    const [lastId] = await scalar(pool, 'SELECT COALESCE(MAX(id), 0) AS n FROM events');
    const loadAverage = [os.loadavg()[0], 0] as [number, number];
    const publisher = await publisherConnection(pool, name);
    const before = await status(serverUrl, name, publisher);
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: callers }, async () => {
        while (next < orders) {
          const i = next++;
          await post(url, '/orders', { customerId: customers[i % customers.length], orderTotal: { amount: ORDER_TOTAL } });
        }
      }),
    );
    await untilApproved(pool, lastId, orders);
    const millis = performance.now() - started;
    // The order-history view settles after the approval: its work is part of what an order costs.
    await runtime.eventloom.caughtUp();
    const after = await status(serverUrl, name, publisher);
    loadAverage[1] = os.loadavg()[0];
    const events = await eventsByKind(pool, lastId);
    const per = (n: number) => n / orders;
    return {
      style,
      orders,
      millis,
      ordersPerSecond: (orders / millis) * 1000,
      events: { domainEventSourced: per(events.domainEventSourced), domainOutbox: per(events.domainOutbox), commands: per(events.commands), replies: per(events.replies) },
      commits: per(after.Com_commit - before.Com_commit),
      rollbacks: per(after.Com_rollback - before.Com_rollback),
      inserts: per(after.Com_insert - before.Com_insert),
      updates: per(after.Com_update - before.Com_update),
      publisherCommits: per(after.publisherCommits - before.publisherCommits),
      publisherUpdates: per(after.publisherUpdates - before.publisherUpdates),
      loadAverage,
    };
  } finally {
    // Closing the app closes its messaging and runtime; without an app, the runtime alone.
    await (app ? app.close() : runtime.close());
    const connection = await createConnection(serverUrl);
    await connection.query(`DROP DATABASE IF EXISTS \`${name}\``).finally(() => connection.end());
  }
}

/** POSTs JSON to the example's API as a client would, and answers the body; anything but 201 is the benchmark's failure. */
async function post(url: string, path: string, body: unknown): Promise<Record<string, string>> {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`saga-cost: POST ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as Record<string, string>;
}

async function scalar(pool: Pool, sql: string, values: unknown[] = []): Promise<number[]> {
  const [rows] = await pool.query<RowDataPacket[]>(sql, values);
  return rows.map((r) => Number(r.n));
}

/** Waits until every order placed since `lastId` is approved: both styles write an OrderApproved row to the events table. */
async function untilApproved(pool: Pool, lastId: number, orders: number): Promise<void> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const [approved] = await scalar(pool, "SELECT COUNT(*) AS n FROM events WHERE id > ? AND event_type = 'OrderApproved'", [lastId]);
    if (approved >= orders) return;
    if (Date.now() > deadline) throw new Error(`saga-cost: ${approved} of ${orders} orders approved after 300 s.`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Event-sourced events have versions from 1; outbox messages version 0, told apart by their headers. */
async function eventsByKind(pool: Pool, lastId: number) {
  const [rows] = await pool.query<RowDataPacket[]>('SELECT entity_version, metadata FROM events WHERE id > ?', [lastId]);
  const kinds = { domainEventSourced: 0, domainOutbox: 0, commands: 0, replies: 0 };
  for (const row of rows) {
    if (Number(row.entity_version) > 0) {
      kinds.domainEventSourced++;
      continue;
    }
    const headers = (JSON.parse(String(row.metadata)).messageHeaders ?? {}) as Record<string, string>;
    if (headers['command_type'] !== undefined) kinds.commands++;
    else if (headers['reply_outcome-type'] !== undefined) kinds.replies++;
    else kinds.domainOutbox++;
  }
  return kinds;
}

/** The connection id of the publisher's sequencer: the holder of its named lock (see lockNameFor in @eventloom/mysql). */
async function publisherConnection(pool: Pool, database: string): Promise<number> {
  const [rows] = await pool.query<RowDataPacket[]>('SELECT IS_USED_LOCK(?) AS id', [`${database}.eventloom_publisher`]);
  const id = rows[0].id;
  if (id === null) throw new Error(`saga-cost: no connection holds the publisher lock of ${database}.`);
  return Number(id);
}

type Counters = Record<'Com_commit' | 'Com_rollback' | 'Com_insert' | 'Com_update' | 'publisherCommits' | 'publisherUpdates', number>;

async function status(serverUrl: string, database: string, publisher: number): Promise<Counters> {
  // Autocommit statements are not in Com_commit; a transaction's COMMIT is.
  const connection = await createConnection(serverUrl);
  try {
    const [rows] = await connection.query<RowDataPacket[]>("SHOW GLOBAL STATUS WHERE Variable_name IN ('Com_commit', 'Com_rollback', 'Com_insert', 'Com_update')");
    // Com_xxx are not per connection in performance_schema; statement counts by thread are.
    const [mine] = await connection.query<RowDataPacket[]>(
      `SELECT s.EVENT_NAME AS name, s.COUNT_STAR AS value FROM performance_schema.events_statements_summary_by_thread_by_event_name s
         JOIN performance_schema.threads t ON t.THREAD_ID = s.THREAD_ID
        WHERE t.PROCESSLIST_ID = ? AND s.EVENT_NAME = 'statement/sql/commit'`,
      [publisher],
    );
    // The only UPDATEs of the events table are the publisher's (appends insert): counted by statement text, whichever connection ran them.
    const statements = async (pattern: string) => {
      const [sum] = await connection.query<RowDataPacket[]>(
        'SELECT COALESCE(SUM(COUNT_STAR), 0) AS value FROM performance_schema.events_statements_summary_by_digest WHERE SCHEMA_NAME = ? AND DIGEST_TEXT LIKE ?',
        [database, pattern],
      );
      return Number(sum[0].value);
    };
    if (mine.length !== 1) throw new Error(`saga-cost: no commit count of connection ${publisher} in performance_schema.events_statements_summary_by_thread_by_event_name.`);
    return { ...(Object.fromEntries(rows.map((r) => [String(r.Variable_name), Number(r.Value)])) as Omit<Counters, 'publisherCommits' | 'publisherUpdates'>),
      publisherCommits: Number(mine[0].value),
      publisherUpdates: await statements('UPDATE `events` SET %'),
    };
  } finally {
    await connection.end();
  }
}
