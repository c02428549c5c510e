import { Eventloom } from '../runtime/eventloom';
import { consoleLogger, Logger } from '../runtime/logger';
import { ClosedError, DuplicateSubscriberError } from '../errors';
import { Subscription } from '../transport/event-transport';
import { defaultDelivery, DeliveryOptions, RetriedWork, retryingDelivery } from '../subscribers/delivery';
import { SagaDefinition } from '../sagas/saga-definition';
import { SagaInstanceStore } from '../sagas/saga-instance';
import { SagaManager } from '../sagas/saga-manager';
import { commandDispatch } from './command-dispatch';
import { commandHandlersDefinition } from './command-handlers';
import { Outbox } from './outbox';
import { caughtUpTogether, trackedSubscription } from '../transport/caught-up';
import { eventToMessage, Message } from './message';
import { OutboxStore, ReceivedMessages, Transactions } from './messaging-backend';

/** What a back end gives for command/reply messaging and sagas: all of it in the service's own database. */
export interface MessagingBackend<Tx> {
  readonly transactions: Transactions<Tx>;
  readonly outbox: OutboxStore<Tx>;
  readonly received: ReceivedMessages<Tx>;
  readonly sagaInstances: SagaInstanceStore<Tx>;
}

export interface MessagingOptions<Tx> {
  /** Its transport carries the messages (they travel in the publication), its repository runs aggregate commands. */
  readonly eventloom: Eventloom;
  readonly backend: MessagingBackend<Tx>;
  readonly delivery?: Partial<DeliveryOptions>;
  readonly logger?: Logger;
  /** How often saga deadlines are looked for, ms (default 250). */
  readonly timerIntervalMs?: number;
}

/**
 * Command/reply messaging and orchestrated sagas next to an Eventloom: the
 * transactional outbox, command handlers per channel, saga managers.
 */
export class Messaging<Tx> {
  readonly outbox: Outbox<Tx>;
  private readonly backend: MessagingBackend<Tx>;
  private readonly eventloom: Eventloom;
  private readonly logger: Logger;
  private readonly delivery: DeliveryOptions;
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly sagaManagers: Array<SagaManager<object, Tx>> = [];
  private closed = false;

  constructor(private readonly options: MessagingOptions<Tx>) {
    this.backend = options.backend;
    this.eventloom = options.eventloom;
    const instrumentation = options.eventloom.instrumentation;
    this.outbox = new Outbox(options.backend.outbox, instrumentation?.eventMetadata && (() => instrumentation.eventMetadata!()));
    this.logger = options.logger ?? consoleLogger;
    this.delivery = { ...defaultDelivery, ...options.delivery };
  }

  /** Runs `work` in one transaction of the service's database (business rows, outbox, saga starts). */
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.backend.transactions.run(work);
  }

  /** Starts a class decorated with @CommandHandlers: its channel's commands are handled and answered. */
  async handleCommands(handlers: object): Promise<Subscription> {
    const definition = commandHandlersDefinition(handlers);
    const work = commandDispatch(handlers, definition, {
      transactions: this.backend.transactions,
      received: this.backend.received,
      outbox: this.outbox,
      repository: this.eventloom.repository,
    });
    return this.subscribeWork(definition.channel, work);
  }

  /** Starts the manager of a saga definition: its replies are taken, its deadlines fired. */
  async sagas<D extends object>(definition: SagaDefinition<D, Tx>): Promise<SagaManager<D, Tx>> {
    const manager = new SagaManager(definition, {
      transactions: this.backend.transactions,
      outbox: this.outbox,
      received: this.backend.received,
      instances: this.backend.sagaInstances,
      logger: this.logger,
    });
    await this.subscribeWork(manager.replyChannel, manager.replyWork());
    manager.startTimer(this.options.timerIntervalMs);
    this.sagaManagers.push(manager as unknown as SagaManager<object, Tx>);
    return manager;
  }

  /**
   * Tram's message consumer: every message on `channel`, in order per
   * partition id, each handled once per `consumerId` (marked received in the
   * handler's transaction, so a redelivery changes nothing).
   */
  async consume(channel: string, consumerId: string, handler: (message: Message, tx: Tx) => Promise<void>): Promise<Subscription> {
    return this.subscribeWork(channel, {
      consumerId,
      run: async (stored) => {
        const message = eventToMessage(stored) ?? { id: stored.eventId, destination: stored.aggregateType, headers: {}, payload: stored.eventData };
        await this.backend.transactions.run(async (tx) => {
          if (await this.backend.received.markReceived(tx, consumerId, message.id)) await handler(message, tx);
        });
      },
    });
  }

  /** Resolves when every message and event stored so far has been handled, here and by the Eventloom. */
  async caughtUp(): Promise<void> {
    await caughtUpTogether(() => [...this.subscriptions.values()], () => this.eventloom.caughtUp());
  }

  /** Stops the command handlers and sagas (not the Eventloom, which is the caller's). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.sagaManagers.map((m) => m.close()));
    await Promise.all([...this.subscriptions.values()].map((s) => s.close()));
  }

  private async subscribeWork(channel: string, work: RetriedWork): Promise<Subscription> {
    if (this.closed) throw new ClosedError('This Messaging');
    if (this.subscriptions.has(work.consumerId)) throw new DuplicateSubscriberError(work.consumerId);
    let subscriptionClosed = false;
    const subscription = await this.eventloom.transport.subscribe({
      subscriberId: work.consumerId,
      aggregateTypes: [channel],
      eventTypes: [],
      everyEventType: true,
      handle: retryingDelivery(work, {
        deadLetters: this.eventloom.deadLetters,
        logger: this.logger,
        options: this.delivery,
        isClosed: () => this.closed || subscriptionClosed,
        instrumentation: this.eventloom.instrumentation,
      }),
      deadLetters: this.eventloom.deadLetters,
    });
    const tracked = trackedSubscription(
      subscription,
      () => (subscriptionClosed = true),
      () => this.subscriptions.delete(work.consumerId),
    );
    this.subscriptions.set(work.consumerId, tracked);
    return tracked;
  }
}
