import { EventContext, EventHandlerMethod, Eventloom, EventSubscriber, silentLogger } from '@eventloom/core';
import { KafkaTransport } from '@eventloom/kafka';
import { MySqlDeadLetterStore, MySqlEventStore, mysqlViews } from '@eventloom/mysql';
import { AccountOpened, Deposited } from '../support/model';
import { balancesView } from '../views/balances-view';

/**
 * One consumer instance of the scale-out benchmark's subscriber, in a process of its own (so two instances can use
 * two cores): joins the subscriber's consumer group, reports to its parent what it has handled, closes on 'stop'.
 * Argument: JSON { mysqlUrl, brokers, topicPrefix, groupIdPrefix, subscriberId, kind }.
 */
interface InstanceOptions {
  readonly mysqlUrl: string;
  readonly brokers: string;
  readonly topicPrefix: string;
  readonly groupIdPrefix: string;
  readonly subscriberId: string;
  /** count: a handler that only counts (the consumer path itself); view: the batched MySQL balances view. */
  readonly kind: 'count' | 'view';
}

/** What an instance reports: events handled, and when the first and the latest were (ms since the epoch). */
export interface InstanceReport {
  readonly handled: number;
  readonly firstAt?: number;
  readonly lastAt?: number;
}

const now = () => performance.timeOrigin + performance.now();

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2]) as InstanceOptions;
  const store = new MySqlEventStore({ url: options.mysqlUrl, poolSize: 4 });
  const transport = new KafkaTransport({ brokers: options.brokers, topicPrefix: options.topicPrefix, groupIdPrefix: options.groupIdPrefix, logger: silentLogger });
  const eventloom = new Eventloom({ eventStore: store, transport, deadLetters: MySqlDeadLetterStore.of(store), logger: silentLogger });
  let firstAt: number | undefined;
  let lastAt: number | undefined;
  const counter = { handled: 0 };
  const handled = () => {
    lastAt = now();
    firstAt ??= lastAt;
  };

  @EventSubscriber(options.subscriberId)
  class Counting {
    @EventHandlerMethod(AccountOpened)
    opened(_: EventContext<AccountOpened>) {
      counter.handled++;
      handled();
    }
    @EventHandlerMethod(Deposited)
    deposited(_: EventContext<Deposited>) {
      counter.handled++;
      handled();
    }
  }
  const view = options.kind === 'view' ? balancesView(mysqlViews(store), options.subscriberId, 'write', 500) : undefined;
  const report = (): InstanceReport => {
    if (view) {
      // The view counts as it goes; its timestamps are taken at each report (every 50 ms).
      if (view.handled > counter.handled) {
        counter.handled = view.handled;
        handled();
      }
    }
    return { handled: counter.handled, firstAt, lastAt };
  };
  const subscription = await eventloom.subscribe(view ?? new Counting());
  process.send!({ type: 'joined' });
  const timer = setInterval(() => process.send!({ type: 'report', report: report() }), 50);
  process.on('message', async (message: { type: string }) => {
    if (message.type !== 'stop') return;
    clearInterval(timer);
    await subscription.close();
    await transport.close();
    await store.close();
    process.send!({ type: 'stopped', report: report() }, () => process.exit(0));
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
