import { OrderCancelled } from '../../../examples/customers-and-orders/src/orders/order.events';
import { repositoryTour } from './repository';

describe("the root README's repository tour", () => {
  it('creates, updates and finds an order as the README says', async () => {
    const { id, aggregate, version, events, found } = await repositoryTour('c-1');
    expect(aggregate.state).toBe('CANCELLED');
    expect(version).toBe(2);
    expect(events.map((e) => e.event)).toEqual([new OrderCancelled('c-1')]);
    expect(found).toMatchObject({ id, version: 2, snapshotVersion: 0 });
    expect(found.aggregate.state).toBe('CANCELLED');
    expect(found.eventsSinceSnapshot.map((e) => e.eventType)).toEqual(['OrderCreated', 'OrderCancelled']);
  });
});
