import { InMemoryDeadLetterStore, InMemoryEventStore } from '@eventloom/in-memory';
import { Event } from '../typing/event';
import { EventHandlerMethod, EventSubscriber } from '../subscribers/decorators';
import { EventTransport, Subscription, SubscriptionRequest } from '../transport/event-transport';
import { Eventloom, EventloomOptions } from './eventloom';
import { ConfigurationError } from '../errors';
import { StoredEvent } from '../typing/stored-event';
import { silentLogger } from './logger';

@Event('LoomPinged', { aggregateType: 'LoomThing' })
class Pinged {}

@EventSubscriber('loomFirst')
class First {
  @EventHandlerMethod(Pinged) on() {}
}
@EventSubscriber('loomSecond')
class Second {
  @EventHandlerMethod(Pinged) on() {}
}

/**
 * A transport like a polling one: a subscription reports idle while an event
 * it has not read yet waits; only caughtUp() reads. The first subscription's
 * catch-up stores an event for the second after the second already looked.
 */
class PollingLikeTransport implements EventTransport {
  readonly subscriptions: Array<Subscription & { handled: number; unread: number }> = [];

  async subscribe(request: SubscriptionRequest): Promise<Subscription> {
    const transport = this;
    const subscription = {
      subscriberId: request.subscriberId,
      handled: 0,
      unread: request.subscriberId === 'loomFirst' ? 1 : 0,
      async caughtUp() {
        if (this.unread === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
        this.handled += this.unread;
        this.unread = 0;
        if (request.subscriberId === 'loomFirst') transport.subscriptions[1].unread++;
      },
      idle: () => true,
      position() {
        return this.handled;
      },
      close: async () => {},
    };
    this.subscriptions.push(subscription);
    return subscription;
  }

  async close(): Promise<void> {}
}

describe('Eventloom.caughtUp', () => {
  it('waits for events that one subscriber stored for another after the other had looked', async () => {
    const transport = new PollingLikeTransport();
    const loom = new Eventloom({ eventStore: new InMemoryEventStore(), transport, deadLetters: new InMemoryDeadLetterStore(), logger: silentLogger });
    await loom.subscribe(new First());
    await loom.subscribe(new Second());
    await loom.caughtUp();
    expect(transport.subscriptions.map((s) => s.handled)).toEqual([1, 1]);
    await loom.close();
  });
});

/** Records what the Eventloom hands the transport. */
class RecordingTransport implements EventTransport {
  readonly requests: SubscriptionRequest[] = [];

  async subscribe(request: SubscriptionRequest): Promise<Subscription> {
    this.requests.push(request);
    return { subscriberId: request.subscriberId, close: async () => {} };
  }

  async close(): Promise<void> {}
}

@Event('LoomFailed', { aggregateType: 'LoomThing' })
class Failed {}

@EventSubscriber('loomRefuser')
class Refuser {
  seen = 0;
  @EventHandlerMethod(Failed) on() {
    this.seen++;
    throw new Error('refused');
  }
}

describe('Eventloom dead letters', () => {
  it('hands its one dead-letter store to the transport with each subscription', async () => {
    const transport = new RecordingTransport();
    const deadLetters = new InMemoryDeadLetterStore();
    const loom = new Eventloom({ eventStore: new InMemoryEventStore(), transport, deadLetters, logger: silentLogger });
    await loom.subscribe(new First());
    await loom.subscribe(new Second());
    expect(transport.requests.map((r) => r.deadLetters)).toEqual([deadLetters, deadLetters]);
    expect(transport.requests[0].deadLetters).toBe(deadLetters);
    expect(loom.deadLetters).toBe(deadLetters);
    await loom.close();
  });

  it('refuses to start without one, naming the option', () => {
    const options = { eventStore: new InMemoryEventStore(), transport: new RecordingTransport() } as unknown as EventloomOptions;
    expect(() => new Eventloom(options)).toThrow(ConfigurationError);
    expect(() => new Eventloom(options)).toThrow(/needs deadLetters/);
  });

  it('deliveryFor builds the subscriber\'s delivery outside a subscription: retries as overridden, then parks in its store', async () => {
    const deadLetters = new InMemoryDeadLetterStore();
    const loom = new Eventloom({ eventStore: new InMemoryEventStore(), transport: new RecordingTransport(), deadLetters, logger: silentLogger, delivery: { maxAttempts: 5, initialDelayMs: 1, maxDelayMs: 1 } });
    const refuser = new Refuser();
    const event: StoredEvent = {
      eventId: 'e-1', eventType: 'LoomFailed', eventData: '{}', aggregateType: 'LoomThing', aggregateId: 't-1', version: 1,
      metadata: { correlationId: 'c', schemaVersion: 1 }, timestamp: new Date(),
    };
    await loom.deliveryFor(refuser, { delivery: { maxAttempts: 2 } })(event);
    expect(refuser.seen).toBe(2);
    const parked = await deadLetters.list('loomRefuser');
    expect(parked.map((p) => [p.event.eventId, p.attempts])).toEqual([['e-1', 2]]);
    await loom.deliveryFor(refuser)(event);
    expect(refuser.seen).toBe(7);
    await loom.close();
  });
});
