import { ScenarioUrls } from './scenario';

export type Phase = 'before' | 'outage' | 'after';

export interface Answer {
  readonly phase: Phase;
  readonly route: 'create' | 'cancel';
  /** The HTTP status; 0 when the connection failed, -1 when no answer came within 10 s. */
  readonly status: number;
  readonly ms: number;
  readonly error?: string;
}

export interface AcceptedOrder {
  readonly orderId: string;
  readonly customerId: string;
  readonly amount: number;
}

/**
 * Clients placing orders (and now and then cancelling one they placed) as
 * fast as the services answer, recording every answer with the phase it was
 * asked in, and every order the order service accepted (201).
 */
export class OrderLoad {
  readonly answers: Answer[] = [];
  readonly accepted: AcceptedOrder[] = [];
  phase: Phase = 'before';
  private running = false;
  private workers: Promise<void>[] = [];

  constructor(
    private readonly urls: ScenarioUrls,
    private readonly customerIds: readonly string[],
    private readonly clients = 4,
  ) {}

  start(): void {
    this.running = true;
    this.workers = Array.from({ length: this.clients }, () => this.client());
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }

  in(phase: Phase, route: Answer['route'] = 'create'): Answer[] {
    return this.answers.filter((a) => a.phase === phase && a.route === route);
  }

  private async client(): Promise<void> {
    while (this.running) {
      const placed = this.accepted.length;
      if (placed > 0 && Math.random() < 0.1) {
        const { orderId } = this.accepted[Math.floor(Math.random() * placed)];
        await this.ask('cancel', `${this.urls.orders}/orders/${orderId}/cancel`);
      } else {
        const customerId = this.customerIds[Math.floor(Math.random() * this.customerIds.length)];
        const amount = 1 + Math.floor(Math.random() * 60);
        const { status, body } = await this.ask('create', `${this.urls.orders}/orders`, { customerId, orderTotal: { amount } });
        if (status === 201) this.accepted.push({ orderId: (body as { orderId: string }).orderId, customerId, amount });
      }
      // Leave the shared, 2-core machine some breath.
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  private async ask(route: Answer['route'], url: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const phase = this.phase;
    const began = Date.now();
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      const answer = (await response.json()) as { error?: string };
      this.answers.push({ phase, route, status: response.status, ms: Date.now() - began, error: answer.error });
      return { status: response.status, body: answer };
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      this.answers.push({ phase, route, status: timedOut ? -1 : 0, ms: Date.now() - began, error: String(error) });
      return { status: timedOut ? -1 : 0, body: undefined };
    }
  }
}

/** How many answers of each status: { 201: 40, 503: 12 }. */
export function statusCounts(answers: readonly Answer[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of answers) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}
