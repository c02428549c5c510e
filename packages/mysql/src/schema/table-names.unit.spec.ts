import { MySqlConfigError } from '../errors';
import { MySqlEventStore } from '../mysql-event-store';
import { tableNames } from './table-names';

describe('table names', () => {
  it('puts the prefix before every table', () => {
    expect(tableNames('orders_')).toMatchObject({ events: '`orders_events`', entities: '`orders_entities`', receivedEvents: '`orders_received_events`' });
    expect(tableNames().snapshots).toBe('`snapshots`');
    expect(tableNames('orders_')).toMatchObject({ parkedEvents: '`orders_parked_events`', rebuildMarks: '`orders_rebuild_marks`' });
  });

  it.each(['x`; DROP TABLE events; --', 'a-b', 'dot.ted', 'späce', 'x'.repeat(33)])('refuses the prefix %j', (prefix) => {
    expect(() => tableNames(prefix)).toThrow(MySqlConfigError);
    expect(() => new MySqlEventStore({ url: 'mysql://root@127.0.0.1:3306/x', tablePrefix: prefix })).toThrow(/Invalid table prefix/);
  });
});
