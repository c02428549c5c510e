// A test program, run as a child process by src/views/view-batch.crash.int.spec.ts: a batched MySQL view
// (runs of 200 events per transaction) caught up in process from the events table. With --hang-after n it stops
// in the middle of a run once it has handled n events in this process, its run's transaction open and holding
// changes, and says "mid-run", so that the test can kill -9 it there. The test creates table crash_totals.
//   node -r <test-support>/register.js batched-view-program.ts --mysql <url> [--hang-after <n>]
import { parseArgs } from 'node:util';
import { EventContext, EventHandlerMethod, EventSubscriber, Eventloom, silentLogger } from '@eventloom/core';
import { MySqlDeadLetterStore, MySqlEventStore, mysqlInProcessTransport, mysqlViews } from '@eventloom/mysql';
import { EntryPosted, LedgerOpened } from './ledger-model';

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { mysql: { type: 'string' }, 'hang-after': { type: 'string' } } });
  const hangAfter = values['hang-after'] === undefined ? Infinity : Number(values['hang-after']);
  const store = new MySqlEventStore({ url: values.mysql });
  const views = mysqlViews(store);
  let handled = 0;

  @EventSubscriber('crash-totals', { batch: { maxEvents: 200 } })
  class CrashTotals {
    // Not idempotent on purpose: a change applied twice shows in the totals.
    private async count(ctx: EventContext<object>, amount: number) {
      await views.once(ctx, async (tx) => {
        await tx.execute('UPDATE crash_totals SET events = events + 1, amount = amount + ? WHERE id = 1', [amount]);
      });
      if (++handled >= hangAfter && ctx.batch) {
        console.log(`mid-run after ${handled} events`);
        await new Promise(() => undefined);
      }
    }
    @EventHandlerMethod(LedgerOpened) opened(ctx: EventContext<LedgerOpened>) {
      return this.count(ctx, 0);
    }
    @EventHandlerMethod(EntryPosted) posted(ctx: EventContext<EntryPosted>) {
      return this.count(ctx, ctx.event.amount);
    }
  }

  // Checkpoints seldom, so that the next process must recognise what this one committed after the first save.
  const { transport } = await mysqlInProcessTransport(store, { pollIntervalMs: 5, checkpointIntervalMs: 600_000, logger: silentLogger });
  const eventloom = new Eventloom({ eventStore: store, transport, deadLetters: MySqlDeadLetterStore.of(store), logger: silentLogger });
  await eventloom.subscribe(new CrashTotals());
  console.log('view started');
  process.on('SIGTERM', () => void eventloom.close().then(() => process.exit(0)));
}

main(process.argv.slice(2)).catch((error) => {
  console.error(error);
  process.exit(1);
});
