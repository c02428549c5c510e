import { AggregateRepository, RepositoryOptions } from '../aggregates/aggregate-repository';
import { EventStore } from '../eventStore/event-store';
import { DeadLetterStore } from '../deadLetters/dead-letter-store';
import { StoredEvent } from '../typing/stored-event';
import { EventBatchHandling, EventTransport, Subscription } from '../transport/event-transport';
import { ClosedError, ConfigurationError, DuplicateSubscriberError } from '../errors';
import { aggregateTypesOf, subscriberDefinition } from '../subscribers/subscriber-metadata';
import { defaultDelivery, DeliveryDependencies, DeliveryOptions, eventBatchDelivery, eventDelivery } from '../subscribers/delivery';
import { consoleLogger, Logger } from './logger';

export interface EventloomOptions {
  readonly eventStore: EventStore;
  readonly transport: EventTransport;
  /**
   * Where every subscriber of this Eventloom parks the events it gives up on,
   * handed to the transport with each subscription. Required, so that a
   * durable service never parks silently in memory: embeddedEventloom() gives
   * an in-memory one, a MySQL service a MySqlDeadLetterStore.
   */
  readonly deadLetters: DeadLetterStore;
  readonly repository?: RepositoryOptions;
  readonly delivery?: Partial<DeliveryOptions>;
  readonly logger?: Logger;
}

/** Overrides for a delivery built outside a subscription (retrying parked events, a rebuild). */
export interface DeliveryOverrides {
  readonly delivery?: Partial<DeliveryOptions>;
  readonly logger?: Logger;
}

/**
 * One service's Eventloom: its repository over its event store, and its
 * subscribers fed by a transport. Back ends provide the store and transport
 * (see @eventloom/in-memory for the embedded default).
 */
export class Eventloom {
  readonly repository: AggregateRepository;
  readonly eventStore: EventStore;
  readonly transport: EventTransport;
  readonly deadLetters: DeadLetterStore;
  private readonly logger: Logger;
  private readonly delivery: DeliveryOptions;
  private readonly subscriptions = new Map<string, Subscription>();
  private closed = false;

  constructor(options: EventloomOptions) {
    this.eventStore = options.eventStore;
    this.transport = options.transport;
    if (!options.deadLetters) {
      throw new ConfigurationError('Eventloom needs deadLetters: a DeadLetterStore (InMemoryDeadLetterStore from @eventloom/in-memory, MySqlDeadLetterStore from @eventloom/mysql).');
    }
    this.deadLetters = options.deadLetters;
    this.repository = new AggregateRepository(options.eventStore, options.repository);
    this.logger = options.logger ?? consoleLogger;
    this.delivery = { ...defaultDelivery, ...options.delivery };
  }

  /** Starts a subscriber instance (a class decorated with @EventSubscriber). */
  async subscribe(subscriber: object): Promise<Subscription> {
    if (this.closed) throw new ClosedError('This Eventloom');
    const definition = subscriberDefinition(subscriber);
    if (this.subscriptions.has(definition.subscriberId)) throw new DuplicateSubscriberError(definition.subscriberId);
    const placeholder: Subscription = { subscriberId: definition.subscriberId, close: async () => {} };
    this.subscriptions.set(definition.subscriberId, placeholder);
    let subscriptionClosed = false;
    try {
      const deps: DeliveryDependencies = {
        repository: this.repository,
        deadLetters: this.deadLetters,
        logger: this.logger,
        options: this.delivery,
        isClosed: () => this.closed || subscriptionClosed,
      };
      const handle = eventDelivery(subscriber, definition, deps);
      const subscription = await this.transport.subscribe({
        subscriberId: definition.subscriberId,
        aggregateTypes: aggregateTypesOf(definition),
        eventTypes: [...definition.handlers.keys()],
        handle,
        ...(definition.batch && { batch: { maxEvents: definition.batch.maxEvents, handle: eventBatchDelivery(subscriber, definition, deps, handle) } }),
        deadLetters: this.deadLetters,
      });
      // Closing one subscription frees its id (it may be subscribed again, and resumes where it stopped).
      const tracked: Subscription = {
        subscriberId: subscription.subscriberId,
        caughtUp: subscription.caughtUp && (() => subscription.caughtUp!()),
        idle: subscription.idle && (() => subscription.idle!()),
        position: subscription.position && (() => subscription.position!()),
        close: async () => {
          subscriptionClosed = true;
          await subscription.close();
          if (this.subscriptions.get(definition.subscriberId) === tracked) this.subscriptions.delete(definition.subscriberId);
        },
      };
      this.subscriptions.set(definition.subscriberId, tracked);
      return tracked;
    } catch (error) {
      this.subscriptions.delete(definition.subscriberId);
      throw error;
    }
  }

  /**
   * The `handle` this Eventloom gives a subscriber (decode, dispatch, retry,
   * park), for use outside a subscription: retrying parked events
   * (retryParked), rebuilding a view. It parks into this Eventloom's store.
   */
  deliveryFor(subscriber: object, overrides: DeliveryOverrides = {}): (event: StoredEvent) => Promise<void> {
    return eventDelivery(subscriber, subscriberDefinition(subscriber), this.outsideDeps(overrides));
  }

  /**
   * The run handling this Eventloom gives a subscriber declared with `batch`
   * (undefined for one without), for use outside a subscription: a rebuild.
   */
  batchDeliveryFor(subscriber: object, overrides: DeliveryOverrides = {}): EventBatchHandling | undefined {
    const definition = subscriberDefinition(subscriber);
    if (!definition.batch) return undefined;
    return { maxEvents: definition.batch.maxEvents, handle: eventBatchDelivery(subscriber, definition, this.outsideDeps(overrides)) };
  }

  private outsideDeps(overrides: DeliveryOverrides): DeliveryDependencies {
    return {
      repository: this.repository,
      deadLetters: this.deadLetters,
      logger: overrides.logger ?? this.logger,
      options: { ...this.delivery, ...overrides.delivery },
      isClosed: () => false,
    };
  }

  /** Resolves when every subscriber has handled every event stored so far (where the transport can tell). */
  async caughtUp(): Promise<void> {
    // A handler may append events that another subscriber then handles, possibly after that
    // subscriber already looked: repeat until a pass in which no subscription moved.
    for (;;) {
      const subscriptions = [...this.subscriptions.values()];
      const before = subscriptions.map((s) => s.position?.());
      await Promise.all(subscriptions.map((s) => s.caughtUp?.()));
      await new Promise((resolve) => setImmediate(resolve));
      if (subscriptions.every((s, i) => (s.idle?.() ?? true) && s.position?.() === before[i])) return;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions.values()].map((s) => s.close()));
    await this.transport.close();
    await this.eventStore.close();
  }
}
