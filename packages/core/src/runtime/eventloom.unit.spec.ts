import { InMemoryEventStore } from '@eventloom/in-memory';
import { Event } from '../typing/event';
import { EventHandlerMethod, EventSubscriber } from '../subscribers/decorators';
import { EventTransport, Subscription, SubscriptionRequest } from '../transport/event-transport';
import { Eventloom } from './eventloom';
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
    const loom = new Eventloom({ eventStore: new InMemoryEventStore(), transport, logger: silentLogger });
    await loom.subscribe(new First());
    await loom.subscribe(new Second());
    await loom.caughtUp();
    expect(transport.subscriptions.map((s) => s.handled)).toEqual([1, 1]);
    await loom.close();
  });
});
