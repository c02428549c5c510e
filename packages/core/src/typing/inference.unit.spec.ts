import { Aggregate, Apply, CommandHandler } from '../aggregates/decorators';
import { EventHandlerMethod, EventSubscriber } from '../subscribers/decorators';
import { EventContext } from '../subscribers/event-context';
import { Event } from './event';

// This file is type-checked by `npm test` (tsc -p tsconfig.spec.json): each
// expect-error directive below must stay an error, or the build fails.

@Event('InferenceShipped')
class Shipped {
  constructor(readonly trackingCode: string) {}
}
@Event('InferencePaid')
class Paid {
  constructor(readonly amountInCents: number) {}
}
class Ship {}

@Aggregate('InferenceParcel')
class Parcel {
  trackingCode = '';
  @CommandHandler(Ship) ship(_command: Ship) {
    return new Shipped('T-1');
  }
  @Apply(Shipped) shipped(event: Shipped) {
    this.trackingCode = event.trackingCode;
  }
  // @ts-expect-error an applier for Paid cannot take a Shipped
  @Apply(Paid) paid(event: Shipped) {
    this.trackingCode = event.trackingCode;
  }
}

@EventSubscriber('inference')
class Watcher {
  @EventHandlerMethod(Shipped) onShipped(ctx: EventContext<Shipped>) {
    return ctx.event.trackingCode.toUpperCase();
  }
  // @ts-expect-error a handler for Paid receives an EventContext<Paid>
  @EventHandlerMethod(Paid) onPaid(ctx: EventContext<Shipped>) {
    return ctx.event.trackingCode;
  }
}

it('compiles only handlers whose parameter matches the decorated event', () => {
  // The check is the type check above; at run time the decorated methods still do their work.
  const parcel = new Parcel();
  parcel.shipped(parcel.ship(new Ship()));
  expect(parcel.trackingCode).toBe('T-1');
  expect(new Watcher().onShipped({ event: new Shipped('t-2') } as EventContext<Shipped>)).toBe('T-2');
});
