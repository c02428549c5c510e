import { Connection } from 'mysql2/promise';
import { tableNames } from '../schema/table-names';
import { idRuns, Sequencer } from './sequencer';

describe('idRuns', () => {
  it('groups ids into runs of consecutive values', () => {
    expect(idRuns([5, 1, 2, 3, 7, 8, 10])).toEqual([[1, 3], [5, 5], [7, 8], [10, 10]]);
    expect(idRuns([])).toEqual([]);
    expect(idRuns([4, 4])).toEqual([[4, 4]]);
  });
});

describe('Sequencer.step on an index walk out of id order', () => {
  it('falls back to ORDER BY id, so that a step stopped at its limit takes the oldest events', async () => {
    const statements: Array<{ sql: string; values?: unknown[] }> = [];
    const answers: Array<[RegExp, unknown]> = [
      [/IS_USED_LOCK/, [{ mine: 1, last: 10 }]],
      // The walk stopped at the limit (2) with ids out of order: a lower id (5) may lie beyond it.
      [/FORCE INDEX/, [{ id: 7 }, { id: 3 }]],
      [/ORDER BY id LIMIT/, [{ id: 3 }, { id: 5 }]],
      [/^UPDATE/, { affectedRows: 2 }],
    ];
    const connection = {
      beginTransaction: async () => undefined,
      commit: async () => undefined,
      rollback: async () => undefined,
      query: async (sql: string, values?: unknown[]) => {
        statements.push({ sql, values });
        const answer = answers.find(([pattern]) => pattern.test(sql.trim()));
        if (!answer) throw new Error(`unexpected statement: ${sql}`);
        return [answer[1], []];
      },
    };
    const reader = { query: async () => [[], []] };
    const batch = await new Sequencer(tableNames('')).step(connection as unknown as Connection, 'lock', { expectedLast: 10, batchSize: 2 }, reader as never);
    batch.events.catch(() => undefined);
    expect(batch).toMatchObject({ count: 2, lastPosition: 12 });
    const update = statements.find((s) => s.sql.startsWith('UPDATE'))!;
    // Id 3 gets position 11 and id 5 position 12 (position = id + offset per run); id 7 waits for a later step.
    expect(update.values).toEqual([3, 3, 8, 5, 5, 7, 3, 3, 5, 5]);
  });
});
