import { withFailure, withSuccess } from '@eventloom/core';
import { InMemoryTransactions } from '@eventloom/in-memory';
import { sagaFixture } from '@eventloom/testing';
import { Money } from '../shared/money';
import { CreditLimitExceededReply, CreditReleasedReply, CreditReservedReply, CUSTOMER_SERVICE, ReleaseCreditCommand, ReserveCreditCommand } from './credit-messages';
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
    saga.expectNoCommand().expectStatus('COMPLETED');
    expect((await orders.find('o1'))?.state).toBe('APPROVED');
  });

  it('rejects the order, with the reason, when the credit limit is exceeded, then releases whatever is held', async () => {
    const { orders, saga } = await pendingOrder();
    await saga.reply(withFailure(new CreditLimitExceededReply(new Money(280))));
    expect(await orders.find('o1')).toMatchObject({ state: 'REJECTED', rejectionReason: 'insufficient credit: order total 720, available 280' });
    saga.expectCommand(CUSTOMER_SERVICE, new ReleaseCreditCommand('c1', 'o1'));
    await saga.reply(withSuccess(new CreditReleasedReply()));
    saga.expectStatus('COMPENSATED');
  });

  it('rejects the order at once when the customer service does not answer in time, releases the credit it may reserve late, and ignores its late answer', async () => {
    const { orders, saga } = await pendingOrder();
    await saga.timePasses(RESERVE_CREDIT_TIMEOUT_MS);
    expect(await orders.find('o1')).toMatchObject({
      state: 'REJECTED',
      rejectionReason: `no answer from the customer service: step 3 (ReserveCreditCommand to 'customerService') got no reply within ${RESERVE_CREDIT_TIMEOUT_MS} ms`,
    });
    expect(saga.publishedEvents.map((m) => m.headers['event-type'])).toEqual(['OrderRejected']);
    saga.expectCommand(CUSTOMER_SERVICE, new ReleaseCreditCommand('c1', 'o1'));
    await saga.reply(withSuccess(new CreditReservedReply()), { to: saga.commands[0] }); // the late answer to ReserveCredit
    expect((await orders.find('o1'))?.state).toBe('REJECTED');
    await saga.reply(withSuccess(new CreditReleasedReply()));
    saga.expectStatus('COMPENSATED');
  });
});
