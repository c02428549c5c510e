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

function deliveryWith(park: (entry: ParkedEvent) => Promise<void>, logs: string[]) {
  const logger: Logger = { info: () => {}, warn: () => {}, error: (m) => logs.push(m) };
  const subscriber = new Failing();
  const deadLetters = Object.assign(new InMemoryDeadLetterStore(), { park });
  return eventDelivery(subscriber, subscriberDefinition(subscriber), {
    repository: {} as AggregateRepository,
    deadLetters,
    logger,
    options: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 1 },
    isClosed: () => false,
  });
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
});
