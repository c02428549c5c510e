// The same workload on @event-driven-io/emmett's in-memory event store (ESM only).
// Usage: node emmett-embedded.mjs <aggregates> <updatesEach> [maxSeconds]; prints one JSON result.
// Its in-memory store counts every stream's events on each append, so a large
// store can take very long: past maxSeconds the run stops and reports the
// commands it completed (partial: true).
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

// Warm the JIT on a throwaway store, as the Eventloom script does.
{
  const warmStore = getInMemoryEventStore();
  for (let i = 0; i < 2000; i++) await handle(warmStore, `warm-${i}`, () => ({ type: 'AccountOpened', data: { owner: 'w' } }));
  for (let round = 0; round < 10; round++) {
    for (let i = 0; i < 2000; i++) await handle(warmStore, `warm-${i}`, () => ({ type: 'Deposited', data: { amount: 1 } }));
  }
}

const aggregates = Number(process.argv[2]);
const updatesEach = Number(process.argv[3] ?? 10);
const deadline = performance.now() + Number(process.argv[4] ?? 3600) * 1000;
let done = 0;
let partial = false;
const eventStore = getInMemoryEventStore();
const ids = Array.from({ length: aggregates }, (_, i) => `account-${i}`);

const started = performance.now();
const cpuBefore = process.cpuUsage();
for (const [i, id] of ids.entries()) {
  await handle(eventStore, id, (state) => {
    if (state.open) throw new Error('already open');
    return { type: 'AccountOpened', data: { owner: `owner-${i}` } };
  });
  done++;
  if (performance.now() > deadline) {
    partial = true;
    break;
  }
}
for (let round = 0; round < updatesEach && !partial; round++) {
  for (const id of ids) {
    await handle(eventStore, id, () => ({ type: 'Deposited', data: { amount: 1 } }));
    done++;
    if (performance.now() > deadline) {
      partial = true;
      break;
    }
  }
}
const millis = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
const cpuMillis = (cpu.user + cpu.system) / 1000;
if (!partial) {
  const { state } = await eventStore.aggregateStream(ids[aggregates - 1], { evolve, initialState });
  if (state.balance !== updatesEach) throw new Error('workload did not apply every deposit');
}
process.stdout.write(JSON.stringify({ commands: done, millis, commandsPerSecond: (done / millis) * 1000, commandsPerCpuSecond: (done / cpuMillis) * 1000, partial }));
