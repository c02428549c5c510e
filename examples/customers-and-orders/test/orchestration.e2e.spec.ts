import { embeddedEventloom, embeddedMessaging } from '@eventloom/in-memory';
import { silentLogger } from '@eventloom/core';
import { RunningApp } from '../src/app';
import { OrchestratedAppOptions, startOrchestratedApp } from '../src/orchestration/orchestrated-app';
import { InMemoryOrdersTable } from '../src/orchestration/in-memory-orders-table';
import { InMemoryOrderHistoryStore } from '../src/views/order-history/in-memory-order-history.store';
import { runCreditScenario, runRoutingScenario, runValidationScenario, ScenarioUrls } from './scenario';
import { runConcurrentOrdersScenario, runRefusedCancelScenario, runTimeoutScenario } from './orchestration-scenarios';

async function startEmbedded(options: OrchestratedAppOptions = {}): Promise<RunningApp> {
  const eventloom = embeddedEventloom({ logger: silentLogger });
  const services = { eventloom, messaging: embeddedMessaging(eventloom, { logger: silentLogger }), orders: new InMemoryOrdersTable(), orderHistory: new InMemoryOrderHistoryStore() };
  return startOrchestratedApp(services, 0, options);
}

describe('Customers & Orders over HTTP, SAGA_STYLE=orchestration, embedded', () => {
  let app: RunningApp;
  let urls: ScenarioUrls;

  beforeEach(async () => {
    app = await startEmbedded();
    urls = { customers: app.url, orders: app.url, views: app.url };
  });
  afterEach(() => app.close());

  it('runs the same scenario: approves what fits the credit limit, rejects what does not, and releases credit on cancel', async () => {
    await runCreditScenario(urls);
  });

  it('answers bad input with 400 naming the field and unknown ids with 404', async () => {
    await runValidationScenario(urls);
  });

  it('reads any body as JSON, and answers unknown routes with 404 and wrong methods with 405', async () => {
    await runRoutingScenario(urls);
  });

  it('approves exactly 10 of 50 concurrent orders of 100 against a limit of 1000', async () => {
    await runConcurrentOrdersScenario(urls);
  });

  it('refuses to cancel an order that was rejected, and changes nothing', async () => {
    await runRefusedCancelScenario(urls);
  });
});

describe('SAGA_STYLE=orchestration, embedded, with the customer service answering no commands', () => {
  it("shows the saga awaiting the customer service, then rejects the order with the timeout's reason", async () => {
    const app = await startEmbedded({ customerCommands: false, reserveCreditTimeoutMs: 1_500 });
    try {
      await runTimeoutScenario({ customers: app.url, orders: app.url, views: app.url }, 1_500);
    } finally {
      await app.close();
    }
  }, 30_000);
});
