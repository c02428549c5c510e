import { messagingTour } from './messaging';

describe("the root README's messaging tour", () => {
  it('approves an order within the credit limit and rejects, with the reason, the one beyond it', async () => {
    const { saga, rejected, orders, credit } = await messagingTour();
    expect(saga?.status).toBe('COMPLETED');
    expect(orders.approved).toEqual({ state: 'APPROVED' });
    expect(rejected?.status).toBe('COMPENSATED');
    expect(orders.rejected).toEqual({ state: 'REJECTED', reason: "step 2 (ReserveCredit to 'customerService') failed: CreditLimitExceeded" });
    expect(credit).toEqual({ limit: 1000, reserved: { 'order-1': 720 } });
  });
});
