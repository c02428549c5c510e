import { AggregateRepository } from '@eventloom/core';
import { MySqlEventStore } from '@eventloom/mysql';
import { Section } from '../report/results';
import { median, round } from '../report/stats';
import { log, withDatabase } from '../support/mysql';
import { Account, Deposit, OpenAccount } from '../support/model';

/**
 * Benchmark: one hot aggregate, one process. 50 commands sent at once (the repository
 * queues them per aggregate) against the same 50 sent one after another, each on a
 * fresh aggregate, alternating, through one repository over MySQL with its defaults.
 */
export async function mysqlHotAggregateBenchmark(runs: number, commands = 50, roundsPerRun = 20): Promise<Section> {
  return withDatabase('hot', async (db) => {
    const store = new MySqlEventStore({ url: db.url });
    await store.ready();
    const repository = new AggregateRepository(store);
    const timed = async (concurrent: boolean): Promise<number> => {
      const { id } = await repository.create(Account, new OpenAccount('hot', 4));
      const started = performance.now();
      if (concurrent) {
        await Promise.all(Array.from({ length: commands }, () => repository.update(Account, id, new Deposit(1))));
      } else {
        for (let i = 0; i < commands; i++) await repository.update(Account, id, new Deposit(1));
      }
      const seconds = (performance.now() - started) / 1000;
      const found = await repository.find(Account, id);
      if (found.version !== 5 + commands) throw new Error(`hot aggregate ${id} ended at version ${found.version}, expected ${5 + commands}`);
      return commands / seconds;
    };
    const data = { concurrent: [] as number[], sequential: [] as number[] };
    try {
      for (let i = 0; i < 4; i++) await timed(i % 2 === 0);
      const conflictsBefore = repository.metrics.conflicts;
      for (let run = 0; run < runs; run++) {
        const rates = { concurrent: [] as number[], sequential: [] as number[] };
        for (let r = 0; r < roundsPerRun; r++) {
          // Alternating, the order flipping every round, so both share the machine's ups and downs.
          const first = (r + run) % 2 === 0;
          rates[first ? 'concurrent' : 'sequential'].push(await timed(first));
          rates[first ? 'sequential' : 'concurrent'].push(await timed(!first));
        }
        data.concurrent.push(median(rates.concurrent));
        data.sequential.push(median(rates.sequential));
        log(`mysql-hot-aggregate: run ${run + 1}/${runs}`);
      }
      const conflicts = repository.metrics.conflicts - conflictsBefore;
      const ratio = median(data.concurrent.map((x, run) => x / data.sequential[run]));
      return {
        title: `2b. MySQL hot aggregate: ${commands} concurrent commands on one aggregate in one process vs the same commands one after another`,
        target: 'concurrent / sequential ≥ 0.9, and 0 lost races',
        met: ratio >= 0.9 && conflicts === 0,
        columns: ['commands', 'concurrent updates/s', 'sequential updates/s', 'concurrent / sequential (median of per-run ratios)', 'lost races (conflict retries)'],
        rows: [[commands, round(median(data.concurrent), 0), round(median(data.sequential), 0), round(ratio, 2), conflicts]],
        notes: [
          `Each round: a fresh aggregate of 5 events, then ${commands} Deposit commands through one AggregateRepository (defaults: aggregate cache on), either all at once (Promise.all) or awaited one by one; the version is checked afterwards.`,
          `${runs} runs of ${roundsPerRun} rounds of each, alternating (order flipping every round); a run's figure is the median round, the table shows the medians of the runs.`,
        ],
        data: { ...data, conflicts },
      };
    } finally {
      await store.close();
    }
  });
}
