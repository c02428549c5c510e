// The same workload on @event-driven-io/emmett's in-memory event store (ESM only).
// Usage: node emmett-embedded.mjs <aggregates> <updatesEach>; prints one JSON result.
import { CommandHandler, getInMemoryEventStore } from '@event-driven-io/emmett';

const evolve = (state, event) => {
  switch (event.type) {
    case 'AccountOpened':
      return { balance: 0, open: true };
    case 'Deposited':
      return { ...state, balance: state.balance + event.data.amount };
    default:
      return state;
  }
};
const initialState = () => ({ balance: 0, open: false });
const handle = CommandHandler({ evolve, initialState });

const aggregates = Number(process.argv[2]);
const updatesEach = Number(process.argv[3] ?? 10);
const eventStore = getInMemoryEventStore();
const ids = Array.from({ length: aggregates }, (_, i) => `account-${i}`);

const started = performance.now();
for (const [i, id] of ids.entries()) {
  await handle(eventStore, id, (state) => {
    if (state.open) throw new Error('already open');
    return { type: 'AccountOpened', data: { owner: `owner-${i}` } };
  });
}
for (let round = 0; round < updatesEach; round++) {
  for (const id of ids) {
    await handle(eventStore, id, () => ({ type: 'Deposited', data: { amount: 1 } }));
  }
}
const millis = performance.now() - started;
const { state } = await eventStore.aggregateStream(ids[aggregates - 1], { evolve, initialState });
if (state.balance !== updatesEach) throw new Error('workload did not apply every deposit');
const commands = aggregates * (1 + updatesEach);
process.stdout.write(JSON.stringify({ commands, millis, commandsPerSecond: (commands / millis) * 1000 }));
