import { withFailure, withSuccess } from '@eventloom/core';
import { InMemoryTransactions } from '@eventloom/in-memory';
import { sagaFixture } from '@eventloom/testing';
import { Money } from '../shared/money';
import { CreditLimitExceededReply, CreditReservedReply, CUSTOMER_SERVICE, ReserveCreditCommand } from './credit-messages';
import { createOrderSaga, RESERVE_CREDIT_TIMEOUT_MS } from './order-sagas';
import { InMemoryOrdersTable } from './in-memory-orders-table';

describe('CreateOrderSaga', () => {
  async function pendingOrder() {
    const orders = new InMemoryOrdersTable();
    await new InMemoryTransactions().run(async (tx) => orders.put(tx, { orderId: 'o1', customerId: 'c1', orderTotal: 720, state: 'PENDING' }));
    const saga = await sagaFixture(createOrderSaga(orders)).start({ orderId: 'o1', customerId: 'c1', orderTotal: 720 });
    saga.expectCommand(CUSTOMER_SERVICE, new ReserveCreditCommand('c1', 'o1', new Money(720)));
    return { orders, saga };
  }

  it('approves the order once the credit is reserved', async () => {
    const { orders, saga } = await pendingOrder();
    await saga.reply(withSuccess(new CreditReservedReply()));
    saga.expectStatus('COMPLETED');
    expect((await orders.find('o1'))?.state).toBe('APPROVED');
  });

  it('rejects the order, with the reason, when the credit limit is exceeded', async () => {
    const { orders, saga } = await pendingOrder();
    await saga.reply(withFailure(new CreditLimitExceededReply(new Money(280))));
    saga.expectStatus('COMPENSATED');
    expect(await orders.find('o1')).toMatchObject({ state: 'REJECTED', rejectionReason: 'insufficient credit: order total 720, available 280' });
  });

  it('rejects the order when the customer service does not answer in time, and ignores its late answer', async () => {
    const { orders, saga } = await pendingOrder();
    await saga.timePasses(RESERVE_CREDIT_TIMEOUT_MS);
    saga.expectStatus('COMPENSATED');
    expect(await orders.find('o1')).toMatchObject({
      state: 'REJECTED',
      rejectionReason: `no answer from the customer service: step 2 (ReserveCreditCommand to 'customerService') got no reply within ${RESERVE_CREDIT_TIMEOUT_MS} ms`,
    });
    expect(saga.publishedEvents.map((m) => m.headers['event-type'])).toEqual(['OrderRejected']);
    await saga.reply(withSuccess(new CreditReservedReply()));
    expect((await orders.find('o1'))?.state).toBe('REJECTED');
  });
});
