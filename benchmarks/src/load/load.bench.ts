import { afterEvents, AggregateRepository } from '@eventloom/core';
import { MySqlEventStore } from '@eventloom/mysql';
import { Section } from '../report/results';
import { median, round } from '../report/stats';
import { log, withDatabase } from '../support/mysql';
import { Account, DepositMany, OpenAccount } from '../support/model';

interface Case {
  readonly label: string;
  readonly events: number;
  readonly snapshots: boolean;
}

/** Appends of at most this many events while building a history (the store splits each into 500-row INSERTs). */
const BUILD_CHUNK = 2_000;

/**
 * Benchmark 3: milliseconds per find() against history length, with and without
 * snapshots (afterEvents(100)), on MySQL. Every case is measured in every run, in
 * rotating order, for `millis` each; a run's figure is its median find().
 */
export async function loadBenchmark(runs: number, lengths = [10, 100, 1_000, 10_000], millis = 400): Promise<Section> {
  return withDatabase('load', async (db) => {
    const store = new MySqlEventStore({ url: db.url });
    await store.ready();
    const plain = new AggregateRepository(store);
    const snapshotting = new AggregateRepository(store, { snapshots: { MySqlBenchAccount: afterEvents(100) } });
    const cases: Case[] = [];
    for (const events of lengths) for (const snapshots of [false, true]) cases.push({ label: `${events}`, events, snapshots });
    // The worst case for afterEvents(100): 99 events after the latest snapshot.
    const worst = lengths[lengths.length - 1] + 99;
    cases.push({ label: `${worst} (99 after the snapshot)`, events: worst, snapshots: true });
    const ids = new Map<Case, string>();
    const data = new Map<Case, number[]>(cases.map((c) => [c, []]));
    const tails = new Map<Case, number>();
    try {
      // Build: one create, then multi-event commands, through the repository, so snapshots are taken where the strategy says.
      for (const c of cases) {
        const repository = c.snapshots ? snapshotting : plain;
        const { id } = await repository.create(Account, new OpenAccount('owner'));
        let version = 1;
        // For the worst case, stop at the last multiple of 100, then add 99 in a separate command.
        const main = c.label.includes('after') ? c.events - 99 : c.events;
        while (version < main) {
          const n = Math.min(BUILD_CHUNK, main - version);
          version = (await repository.update(Account, id, new DepositMany(n))).version;
        }
        if (version < c.events) version = (await repository.update(Account, id, new DepositMany(c.events - version))).version;
        const found = await repository.find(Account, id);
        if (found.version !== c.events || found.aggregate.balance !== c.events - 1) throw new Error(`built ${found.version} events, wanted ${c.events}`);
        tails.set(c, found.eventsSinceSnapshot.length);
        ids.set(c, id);
      }
      log('load: histories built');
      const measure = async (c: Case, forMillis: number) => {
        const repository = c.snapshots ? snapshotting : plain;
        const id = ids.get(c)!;
        const times: number[] = [];
        const deadline = performance.now() + forMillis;
        while (performance.now() < deadline || times.length < 3) {
          const started = performance.now();
          await repository.find(Account, id);
          times.push(performance.now() - started);
        }
        return median(times);
      };
      for (const c of cases) await measure(c, 100); // warm-up
      for (let run = 0; run < runs; run++) {
        const order = cases.map((_, i) => cases[(i + run) % cases.length]);
        for (const c of order) data.get(c)!.push(await measure(c, millis));
        log(`load: run ${run + 1}/${runs}`);
      }
    } finally {
      await store.close();
    }
    const ms = (c: Case) => median(data.get(c)!);
    const find = (events: number | string, snapshots: boolean) => cases.find((c) => c.label === String(events) && c.snapshots === snapshots)!;
    const smallest = find(lengths[0], true);
    const largest = find(lengths[lengths.length - 1], true);
    const growth = ms(largest) / ms(smallest);
    const worstCase = cases[cases.length - 1];
    return {
      title: '3. Load time against history length (MySQL, find())',
      target: `with snapshots (afterEvents(100)), a ${lengths[lengths.length - 1].toLocaleString('en')}-event aggregate loads within 2× of a ${lengths[0]}-event one`,
      met: growth <= 2,
      columns: ['events', 'no snapshots: ms/find', 'afterEvents(100): ms/find', 'events read after the snapshot'],
      rows: [
        ...lengths.map((n) => [n.toLocaleString('en'), round(ms(find(n, false)), 2), round(ms(find(n, true)), 2), tails.get(find(n, true))!]),
        [worstCase.label.replace(String(worst), worst.toLocaleString('en')), '—', round(ms(worstCase), 2), tails.get(worstCase)!],
      ],
      notes: [
        `With snapshots, ${lengths[lengths.length - 1].toLocaleString('en')} / ${lengths[0]} events: ${round(growth, 2)}×; the worst case (99 events after the latest snapshot) / ${lengths[0]} events: ${round(ms(worstCase) / ms(smallest), 2)}×.`,
        'Histories built with a create and multi-event commands through the repository (afterEvents(100) snapshots whenever an append crosses a multiple of 100, so a history of exactly N·100 events ends on a snapshot).',
        `Each run measures every case for ${millis} ms in rotating order; a run's figure is its median find(); the table shows the median of ${runs} runs. find() is sequential (one caller): read, deserialize, apply.`,
      ],
      data: Object.fromEntries(cases.map((c) => [`${c.label}${c.snapshots ? ' snapshots' : ''}`, data.get(c)])),
      chart: {
        file: 'load-time.svg',
        title: 'find() time against history length (MySQL)',
        xLabel: 'events in the aggregate',
        yLabel: 'ms per find() (median)',
        lines: [
          { name: 'no snapshots', points: lengths.map((n) => [n, ms(find(n, false))] as const) },
          { name: 'afterEvents(100)', points: lengths.map((n) => [n, ms(find(n, true))] as const) },
        ],
      },
    };
  });
}
