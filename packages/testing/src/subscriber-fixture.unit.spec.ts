import { AggregateRepository, Event, EventContext, EventHandlerMethod, EventSubscriber, Type } from '@eventloom/core';
import { InMemoryEventStore } from '@eventloom/in-memory';
import { AddToCounter, Counter, OpenCounter } from './contract/contract-model';
import { FixtureFailure } from './fixture-failure';
import { deliver } from './subscriber-fixture';

class Amount {
  constructor(readonly value: number) {}
  isLarge(): boolean {
    return this.value > 100;
  }
}

@Event('FixturePaymentReceived', { aggregateType: 'FixturePayment' })
class PaymentReceived {
  @Type(() => Amount) readonly amount: Amount;
  constructor(
    amount: Amount,
    readonly counterId: string,
  ) {
    this.amount = amount;
  }
}
@Event('FixturePaymentRefused', { aggregateType: 'FixturePayment' })
class PaymentRefused {}
@Event('FixturePaymentLost', { aggregateType: 'FixturePayment' })
class PaymentLost {}

@EventSubscriber('fixture-payments')
class Payments {
  large: boolean[] = [];

  @EventHandlerMethod(PaymentReceived)
  async received(context: EventContext<PaymentReceived>) {
    // Only a revived Amount has isLarge(): the handler sees the event as decoded from the store.
    this.large.push(context.event.amount.isLarge());
    await context.update(Counter, context.event.counterId, new AddToCounter(context.event.amount.value));
  }

  @EventHandlerMethod(PaymentRefused)
  refused(_context: EventContext<PaymentRefused>) {
    throw new RangeError('Refusals are not handled yet.');
  }
}

describe('deliver', () => {
  it('calls the handler with the decoded event and the runtime context, and runs its commands once per event', async () => {
    const repository = new AggregateRepository(new InMemoryEventStore());
    const { id } = await repository.create(Counter, new OpenCounter(0));
    const payments = new Payments();
    const payment = new PaymentReceived(new Amount(150), id);
    const context = await deliver(payments, payment, { eventId: 'payment-1', repository, attempt: 2 });
    // A copy read back from JSON, as a transport hands it over, never the object the test built.
    expect(context.event).not.toBe(payment);
    expect(context.event).toEqual(payment);
    await deliver(payments, new PaymentReceived(new Amount(150), id), { eventId: 'payment-1', repository });
    expect(payments.large).toEqual([true, true]);
    expect(context).toMatchObject({ eventId: 'payment-1', eventType: 'FixturePaymentReceived', aggregateType: 'FixturePayment', attempt: 2 });
    expect(context.subscriberId).toBe('fixture-payments');
    expect((await repository.find(Counter, id)).aggregate.total.value).toBe(150);
  });

  it('fails naming the subscriber, the event and the error when the handler throws', async () => {
    const failure = deliver(new Payments(), new PaymentRefused(), { eventId: 'refusal-1' });
    await expect(failure).rejects.toBeInstanceOf(FixtureFailure);
    await expect(failure).rejects.toThrow(
      "Subscriber 'fixture-payments' failed handling FixturePaymentRefused (event refusal-1): RangeError: Refusals are not handled yet.",
    );
    await expect(failure).rejects.toMatchObject({ cause: expect.any(RangeError) });
  });

  it('fails naming the events it handles when it has no handler for the event', async () => {
    await expect(deliver(new Payments(), new PaymentLost())).rejects.toThrow(
      "Subscriber 'fixture-payments' has no handler for FixturePaymentLost; it handles FixturePaymentReceived, FixturePaymentRefused. " +
        'Add a method decorated with @EventHandlerMethod(FixturePaymentLost) to Payments, or deliver an event it handles.',
    );
  });
});
