// The root README's repository tour, on the example's Order. Run by repository.unit.spec.ts.
import { embeddedEventloom } from '@eventloom/in-memory';
import { Order } from '../../../examples/customers-and-orders/src/orders/order.aggregate';
import { CancelOrder, CreateOrder } from '../../../examples/customers-and-orders/src/orders/order.commands';
import { Money } from '../../../examples/customers-and-orders/src/shared/money';

export async function repositoryTour(customerId: string) {
  // #region repository
  const eventloom = embeddedEventloom();           // in memory, in process: the default
  const { repository } = eventloom;

  const { id } = await repository.create(Order, new CreateOrder(customerId, new Money(720)));
  const { aggregate, version, events } = await repository.update(Order, id, new CancelOrder());  // events: what this call appended
  const found = await repository.find(Order, id);  // AggregateNotFoundError if unknown
  // found: { id, version, aggregate, snapshotVersion, eventsSinceSnapshot }
  // #endregion repository
  await eventloom.close();
  return { id, aggregate, version, events, found };
}
