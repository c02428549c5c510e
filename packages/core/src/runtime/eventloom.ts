import { AggregateRepository, RepositoryOptions } from '../aggregates/aggregate-repository';
import { EventStore } from '../eventStore/event-store';
import { DeadLetterStore } from '../deadLetters/dead-letter-store';
import { StoredEvent } from '../typing/stored-event';
import { EventBatchHandling, EventTransport, Subscription } from '../transport/event-transport';
import { ClosedError, ConfigurationError, DuplicateSubscriberError } from '../errors';
import { aggregateTypesOf, subscriberDefinition } from '../subscribers/subscriber-metadata';
import { defaultDelivery, DeliveryDependencies, DeliveryOptions, eventBatchDelivery, eventDelivery } from '../subscribers/delivery';
import { consoleLogger, Logger } from './logger';
import { caughtUpTogether, trackedSubscription } from '../transport/caught-up';
import { defaultHealth, HealthCheck, HealthOptions, HealthReport } from '../health/health-report';
import { ProgressWatch } from '../health/progress-watch';
import { boundedCheck } from '../health/health-checks';
import { Instrumentation } from '../observability/instrumentation';
import { SubscriberProgress } from '../observability/subscriber-progress';

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
  /** When a subscription counts as stalled, and how long a readiness check may take (see health()). */
  readonly health?: Partial<HealthOptions>;
  /**
   * Told of commands, appends, handler tries, retries and parkings: metrics
   * (@eventloom/prometheus), traces (@eventloom/opentelemetry), or both
   * (instrumentations(a, b)). Without one, nothing is measured.
   */
  readonly instrumentation?: Instrumentation;
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
  readonly instrumentation?: Instrumentation;
  private readonly logger: Logger;
  private readonly delivery: DeliveryOptions;
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly progress = new Map<string, ProgressWatch>();
  private readonly healthOptions: HealthOptions;
  private closed = false;

  constructor(options: EventloomOptions) {
    this.eventStore = options.eventStore;
    this.transport = options.transport;
    if (!options.deadLetters) {
      throw new ConfigurationError('Eventloom needs deadLetters: a DeadLetterStore (InMemoryDeadLetterStore from @eventloom/in-memory, MySqlDeadLetterStore from @eventloom/mysql).');
    }
    this.deadLetters = options.deadLetters;
    this.instrumentation = options.instrumentation;
    this.repository = new AggregateRepository(
      options.eventStore,
      options.instrumentation ? { instrumentation: options.instrumentation, ...options.repository } : options.repository,
    );
    this.logger = options.logger ?? consoleLogger;
    this.delivery = { ...defaultDelivery, ...options.delivery };
    this.healthOptions = { ...defaultHealth, ...options.health };
  }

  /** Starts a subscriber instance (a class decorated with @EventSubscriber). */
  async subscribe(subscriber: object): Promise<Subscription> {
    if (this.closed) throw new ClosedError('This Eventloom');
    const definition = subscriberDefinition(subscriber);
    if (this.subscriptions.has(definition.subscriberId)) throw new DuplicateSubscriberError(definition.subscriberId);
    const placeholder: Subscription = { subscriberId: definition.subscriberId, close: async () => {} };
    this.subscriptions.set(definition.subscriberId, placeholder);
    let subscriptionClosed = false;
    const progress = new ProgressWatch();
    try {
      const deps: DeliveryDependencies = {
        repository: this.repository,
        deadLetters: this.deadLetters,
        logger: this.logger,
        options: this.delivery,
        isClosed: () => this.closed || subscriptionClosed,
        instrumentation: this.instrumentation,
      };
      const handle = eventDelivery(subscriber, definition, deps);
      const handleBatch = eventBatchDelivery(subscriber, definition, deps, handle);
      const subscription = await this.transport.subscribe({
        subscriberId: definition.subscriberId,
        aggregateTypes: aggregateTypesOf(definition),
        eventTypes: [...definition.handlers.keys()],
        handle: async (event) => {
          await handle(event);
          progress.progressed(event.timestamp);
        },
        ...(definition.batch && {
          batch: {
            maxEvents: definition.batch.maxEvents,
            handle: async (events: readonly StoredEvent[]) => {
              await handleBatch(events);
              progress.progressed(events[events.length - 1]?.timestamp);
            },
          },
        }),
        deadLetters: this.deadLetters,
      });
      // Closing one subscription frees its id (it may be subscribed again, and resumes where it stopped).
      const tracked = trackedSubscription(
        subscription,
        () => (subscriptionClosed = true),
        (closed) => {
          if (this.subscriptions.get(definition.subscriberId) === closed) {
            this.subscriptions.delete(definition.subscriberId);
            this.progress.delete(definition.subscriberId);
          }
        },
      );
      this.subscriptions.set(definition.subscriberId, tracked);
      this.progress.set(definition.subscriberId, progress);
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
      instrumentation: this.instrumentation,
    };
  }

  /** Resolves when every subscriber has handled every event stored so far (where the transport can tell). */
  async caughtUp(): Promise<void> {
    await caughtUpTogether(() => [...this.subscriptions.values()]);
  }

  /**
   * Whether this service can do its work now (a readiness probe): the event
   * store answers, the transport's publisher has a leader (where the
   * transport knows its publisher), and every subscription is joined and not
   * stalled (events waiting and none handled for `health.stallAfterMs`).
   * Each check is bounded by `health.checkTimeoutMs`; none throws.
   */
  async health(): Promise<HealthReport> {
    if (this.closed) return { ready: false, checks: [{ component: 'eventloom', ok: false, detail: 'closed' }] };
    const { checkTimeoutMs } = this.healthOptions;
    const checks: Array<Promise<HealthCheck>> = [];
    const { eventStore, transport } = this;
    if (eventStore.ping) {
      checks.push(boundedCheck('store', checkTimeoutMs, async () => (await eventStore.ping!(), { ok: true, detail: 'answers' })));
    }
    const publisher = transport.publisher;
    if (publisher?.hasLeader) {
      checks.push(
        boundedCheck('publisher', checkTimeoutMs, async () => {
          if (publisher.status().leader) return { ok: true, detail: 'this instance leads' };
          return (await publisher.hasLeader!()) ? { ok: true, detail: 'another instance leads' } : { ok: false, detail: 'no instance leads' };
        }),
      );
    }
    for (const [subscriberId, subscription] of this.subscriptions) {
      if (!subscription.status) continue;
      const progress = this.progress.get(subscriberId);
      checks.push(
        boundedCheck(`subscription ${subscriberId}`, checkTimeoutMs, async () => {
          const { joined, lag, problem } = await subscription.status!();
          if (problem) return { ok: false, detail: problem };
          if (!joined) return { ok: false, detail: 'not joined yet' };
          const stalledMs = progress?.stalledFor(lag) ?? 0;
          if (stalledMs >= this.healthOptions.stallAfterMs) {
            return { ok: false, detail: `stalled: ${lag} events waiting and none handled for ${Math.round(stalledMs / 1000)} s` };
          }
          return { ok: true, detail: lag > 0 ? `${lag} events waiting` : 'caught up' };
        }),
      );
    }
    const results = await Promise.all(checks);
    return { ready: results.every((c) => c.ok), checks: results };
  }

  /**
   * Every subscription's lag, in events and seconds, where its transport can
   * tell (for metrics; health() judges the same figures). A subscription
   * whose transport cannot answer now is left out.
   */
  async subscriptionProgress(): Promise<SubscriberProgress[]> {
    const answers = await Promise.all(
      [...this.subscriptions].map(async ([subscriberId, subscription]): Promise<SubscriberProgress | undefined> => {
        if (!subscription.status) return undefined;
        try {
          const { joined, lag } = await subscription.status();
          return { subscriberId, joined, lagEvents: lag, lagSeconds: this.progress.get(subscriberId)?.lagSeconds(lag) ?? 0 };
        } catch {
          return undefined;
        }
      }),
    );
    return answers.filter((a): a is SubscriberProgress => a !== undefined);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions.values()].map((s) => s.close()));
    await this.transport.close();
    await this.eventStore.close();
  }
}
