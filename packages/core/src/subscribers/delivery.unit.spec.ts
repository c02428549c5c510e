import { AggregateRepository } from '../aggregates/aggregate-repository';
import { InMemoryDeadLetterStore } from '@eventloom/in-memory';
import { ParkedEvent } from '../deadLetters/dead-letter-store';
import { Event } from '../typing/event';
import { StoredEvent } from '../typing/stored-event';
import { Logger } from '../runtime/logger';
import { EventHandlerMethod, EventSubscriber } from './decorators';
import { eventDelivery } from './delivery';
import { subscriberDefinition } from './subscriber-metadata';

@Event('DeliveryBoom', { aggregateType: 'DeliveryThing' })
class Boom {}

@EventSubscriber('deliveryFailing')
class Failing {
  @EventHandlerMethod(Boom) fail() {
    throw new Error('x'.repeat(100_000));
  }
}

const stored: StoredEvent = {
  eventId: 'e-1',
  eventType: 'DeliveryBoom',
  eventData: '{}',
  aggregateType: 'DeliveryThing',
  aggregateId: 'a-1',
  version: 1,
  metadata: { correlationId: 'c', schemaVersion: 1 },
  timestamp: new Date(),
};

/** The delivery of `subscriber`, parking through `park`, with its error lines (or all lines, `level`-prefixed) in `logs`. */
function deliveryOf(subscriber: object, park: (entry: ParkedEvent) => Promise<void>, logs: string[], allLevels = false) {
  const line = (level: string) => (m: string) => void logs.push(allLevels ? `${level} ${m}` : m);
  const logger: Logger = { info: allLevels ? line('info') : () => {}, warn: allLevels ? line('warn') : () => {}, error: line('error') };
  const deadLetters = Object.assign(new InMemoryDeadLetterStore(), { park });
  return eventDelivery(subscriber, subscriberDefinition(subscriber), {
    repository: {} as AggregateRepository,
    deadLetters,
    logger,
    options: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 1 },
    isClosed: () => false,
  });
}

function deliveryWith(park: (entry: ParkedEvent) => Promise<void>, logs: string[]) {
  return deliveryOf(new Failing(), park, logs);
}

describe('event delivery', () => {
  it('parks with a bounded reason once the tries are used up', async () => {
    const parked: ParkedEvent[] = [];
    const logs: string[] = [];
    await deliveryWith(async (entry) => void parked.push(entry), logs)(stored);
    expect(parked).toHaveLength(1);
    expect(parked[0].error.length).toBeLessThan(8_100);
    expect(parked[0].error).toMatch(/^Error: x+… \(92007 more characters\)$/);
    expect(logs).toEqual(["subscriber 'deliveryFailing' parked DeliveryBoom e-1"]);
  });

  it('fails (so the transport tries again) when the event cannot even be parked, and says so', async () => {
    const logs: string[] = [];
    const delivery = deliveryWith(async () => {
      throw new Error('dead-letter store unreachable');
    }, logs);
    await expect(delivery(stored)).rejects.toThrow('dead-letter store unreachable');
    expect(logs).toEqual(["subscriber 'deliveryFailing' could not park DeliveryBoom e-1"]);
  });

  it('parks at once an event whose type this process does not know, naming what to declare; passes over known types it does not handle', async () => {
    @Event('DeliveryKnownElsewhere', { aggregateType: 'DeliveryThing' })
    class KnownElsewhere {}
    expect(KnownElsewhere).toBeDefined();
    const parked: ParkedEvent[] = [];
    const delivery = deliveryWith(async (entry) => void parked.push(entry), []);
    await delivery({ ...stored, eventType: 'DeliveryKnownElsewhere' });
    expect(parked).toHaveLength(0);
    await delivery({ ...stored, eventId: 'e-2', eventType: 'DeliveryNeverDeclared' });
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({ attempts: 1, event: { eventId: 'e-2' } });
    expect(parked[0].error).toMatch(/UnknownEventTypeError: Unknown event type 'DeliveryNeverDeclared'.*@Event\('DeliveryNeverDeclared'\)/);
  });
});

describe('an outage is not a poison event', () => {
  let failuresLeft = 0;
  let failure: () => Error = () => new Error('unused');
  const handled: string[] = [];

  @Event('DeliveryOutageTick', { aggregateType: 'DeliveryThing' })
  class OutageTick {}

  @EventSubscriber('deliveryDuringOutage')
  class NeedsTheDatabase {
    @EventHandlerMethod(OutageTick) handle() {
      if (failuresLeft-- > 0) throw failure();
      handled.push('tick');
    }
  }

  function delivery(parked: ParkedEvent[], logs: string[]) {
    return deliveryOf(new NeedsTheDatabase(), async (entry) => void parked.push(entry), logs, true);
  }

  const tick: StoredEvent = { ...stored, eventId: 'e-outage', eventType: 'DeliveryOutageTick' };

  beforeEach(() => (handled.length = 0));

  it('retries a database outage far past maxAttempts, parks nothing, and logs it once when it starts and once when it ends', async () => {
    failuresLeft = 20;
    failure = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' });
    const parked: ParkedEvent[] = [];
    const logs: string[] = [];
    await delivery(parked, logs)(tick);
    expect(handled).toEqual(['tick']);
    expect(parked).toEqual([]);
    expect(logs).toHaveLength(2);
    expect(logs[0]).toMatch(/^warn subscriber 'deliveryDuringOutage' cannot handle DeliveryOutageTick e-outage while something it needs is unavailable/);
    expect(logs[1]).toMatch(/^info subscriber 'deliveryDuringOutage' goes on/);
  });

  it("still parks an error of the handler's own logic after maxAttempts", async () => {
    failuresLeft = 20;
    failure = () => new TypeError('cannot read properties of undefined');
    const parked: ParkedEvent[] = [];
    await delivery(parked, [])(tick);
    expect(handled).toEqual([]);
    expect(parked.map((p) => [p.attempts, p.error])).toEqual([[2, 'TypeError: cannot read properties of undefined']]);
  });
});
