import { randomUUID } from 'node:crypto';
import { Aggregate, AggregateRepository, Apply, Event, upcast } from '@eventloom/core';
import { NewEvent } from '@eventloom/core/spi';
import { MySqlEventStore } from '@eventloom/mysql';
import { Section } from '../report/results';
import { median, round } from '../report/stats';
import { log, withDatabase } from '../support/mysql';

/** How 'BenchUpcastCredited' was stored at version 1: cents as a bare number. */
interface CreditedV1 {
  amount: number;
}

@Event('BenchUpcastCredited', {
  aggregateType: 'BenchUpcastWallet',
  schemaVersion: 3,
  upcasters: upcast<CreditedV1>()
    .to(2, (v1) => ({ cents: v1.amount }))
    .to(3, (v2, stored) => ({ ...v2, currency: 'EUR', creditedAt: stored.timestamp.toISOString() })),
})
class Credited {
  constructor(
    readonly cents: number,
    readonly currency: string,
    readonly creditedAt: string,
  ) {}
}

@Aggregate('BenchUpcastWallet')
class Wallet {
  cents = 0;

  @Apply(Credited)
  credited(event: Credited) {
    this.cents += event.cents;
  }
}

type Variant = 'stored as v3' | 'stored as v1, upcast to v3';

/** A wallet's history of `events` credits of 1 cent, written straight to the store at the given schema version. */
async function storeHistory(store: MySqlEventStore, events: number, schemaVersion: 1 | 3): Promise<string> {
  const aggregateId = randomUUID();
  const timestamp = new Date('2024-05-01T10:00:00Z');
  for (let from = 0; from < events; from += 500) {
    const batch: NewEvent[] = [];
    for (let version = from + 1; version <= Math.min(events, from + 500); version++) {
      const data = schemaVersion === 1 ? { amount: 1 } : { cents: 1, currency: 'EUR', creditedAt: timestamp.toISOString() };
      batch.push({
        eventId: randomUUID(),
        eventType: 'BenchUpcastCredited',
        eventData: JSON.stringify(data),
        aggregateType: 'BenchUpcastWallet',
        aggregateId,
        version,
        metadata: { correlationId: aggregateId, schemaVersion },
        timestamp,
      });
    }
    await store.append({ aggregateType: 'BenchUpcastWallet', aggregateId, expectedVersion: from, events: batch });
  }
  return aggregateId;
}

/**
 * What upcasting costs on load: find() of a wallet whose `events` events are
 * stored as v1 (two upcasters each on every read) against the same history
 * stored as v3 (none), side by side in rotating order, `millis` each per run;
 * a run's figure is its median find(). No target: the figure is the point.
 */
export async function upcastingBenchmark(runs: number, events = 1_000, millis = 400): Promise<Section> {
  return withDatabase('upcasting', async (db) => {
    const store = new MySqlEventStore({ url: db.url });
    await store.ready();
    const repository = new AggregateRepository(store);
    const ids: Record<Variant, string> = {
      'stored as v3': await storeHistory(store, events, 3),
      'stored as v1, upcast to v3': await storeHistory(store, events, 1),
    };
    const variants = Object.keys(ids) as Variant[];
    const data: Record<Variant, number[]> = { 'stored as v3': [], 'stored as v1, upcast to v3': [] };
    const measure = async (v: Variant, forMillis: number) => {
      const times: number[] = [];
      const deadline = performance.now() + forMillis;
      while (performance.now() < deadline || times.length < 3) {
        const started = performance.now();
        const found = await repository.find(Wallet, ids[v]);
        times.push(performance.now() - started);
        if (found.aggregate.cents !== events) throw new Error(`${v}: loaded ${found.aggregate.cents} cents, wanted ${events}`);
      }
      return median(times);
    };
    try {
      for (const v of variants) await measure(v, 100); // warm-up
      for (let run = 0; run < runs; run++) {
        for (const v of variants.map((_, i) => variants[(i + run) % variants.length])) data[v].push(await measure(v, millis));
        log(`upcasting: run ${run + 1}/${runs}`);
      }
    } finally {
      await store.close();
    }
    const ms = (v: Variant) => median(data[v]);
    const ratio = ms('stored as v1, upcast to v3') / ms('stored as v3');
    return {
      title: `Upcasting on load: find() of ${events} events stored as v1 (upcast v1→v2→v3) vs stored as v3, MySQL`,
      target: 'none (measured, not targeted)',
      met: 'not measured (no target)',
      columns: ['history', 'median find() ms'],
      rows: variants.map((v) => [v, round(ms(v))]),
      notes: [`Upcast load / v3 load: ${round(ratio)}× (medians of ${runs} runs, side by side in rotating order).`],
      data,
    };
  });
}
