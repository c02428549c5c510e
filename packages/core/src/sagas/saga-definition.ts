import { Class } from '../typing/class';
import { InvalidDefinitionError } from '../errors';
import { FailureOf, ReplyOf, SuccessOf, replyTypes } from '../messaging/message-types';
import { TransactionalOutbox } from '../messaging/command-context';

/** What a local step (or local compensation) receives besides the saga's data. */
export interface LocalContext<Tx> {
  readonly sagaType: string;
  readonly sagaId: string;
  /** The saga's transaction: a local step's writes commit with the saga's new state, or not at all. */
  readonly tx: Tx;
  readonly outbox: TransactionalOutbox;
  /** In a compensation: why the saga compensates (a failure reply, a timeout, a failed step). */
  readonly reason?: string;
}

export type LocalAction<D, Tx> = (data: D, context: LocalContext<Tx>) => void | Promise<void>;
type ReplyHandler<D> = (data: D, reply: object) => void | Promise<void>;

export interface ParticipantCall<D> {
  readonly channel: string;
  readonly command: (data: D) => object;
  /** No reply within this time counts as a failure (forward: compensate; compensation: retry). */
  readonly timeoutMs?: number;
}

export type Compensation<D, Tx> = { readonly kind: 'local'; readonly action: LocalAction<D, Tx> } | ({ readonly kind: 'participant' } & ParticipantCall<D>);

export type SagaStep<D, Tx> =
  | { readonly kind: 'local'; readonly action: LocalAction<D, Tx>; readonly compensation?: Compensation<D, Tx> }
  | ({
      readonly kind: 'participant';
      readonly onSuccess?: ReplyHandler<D>;
      readonly onFailure?: ReplyHandler<D>;
      /** reply type name -> handler, before onSuccess/onFailure */
      readonly onReply: ReadonlyMap<string, ReplyHandler<D>>;
      readonly onTimeout?: (data: D) => void | Promise<void>;
      readonly compensation?: Compensation<D, Tx>;
    } & ParticipantCall<D>);

export interface CompensationRetry {
  /** Tries of one compensation, the first included, before the saga ends FAILED (default 5). */
  readonly maxAttempts: number;
  /** Wait before the 2nd try, doubled for each further one, ms (default 1000). */
  readonly initialDelayMs: number;
}

export interface SagaDefinition<D extends object, Tx = unknown> {
  readonly sagaType: string;
  readonly steps: ReadonlyArray<SagaStep<D, Tx>>;
  readonly compensationRetry: CompensationRetry;
}

export interface SagaOptions {
  readonly compensationRetry?: Partial<CompensationRetry>;
}

/**
 * Declares an orchestrated saga, in the spirit of Eventuate Tram Sagas:
 *
 *     defineSaga<CreateOrderData, Tx>('CreateOrderSaga')
 *       .step().invokeLocal(createOrder).withCompensation(rejectOrder)
 *       .step().invokeParticipant('customerService', (d) => new ReserveCredit(...))
 *              .onReply(CustomerCreditLimitExceeded, (d, reply) => ...)   // reply: CustomerCreditLimitExceeded
 *              .withTimeout(5_000)
 *       .step().invokeLocal(approveOrder)
 *       .build();
 *
 * Steps run in order; a failure reply, a timeout or a failing local step
 * runs the compensations of the steps before it, in reverse order.
 */
export function defineSaga<D extends object, Tx = unknown>(sagaType: string, options: SagaOptions = {}): SagaBuilder<D, Tx> {
  if (!sagaType) throw new InvalidDefinitionError('defineSaga needs a saga type name, e.g. defineSaga(\'CreateOrderSaga\').');
  return new SagaBuilder<D, Tx>(sagaType, [], { maxAttempts: 5, initialDelayMs: 1_000, ...options.compensationRetry });
}

export class SagaBuilder<D extends object, Tx> {
  constructor(
    protected readonly sagaType: string,
    protected readonly steps: Array<SagaStep<D, Tx>>,
    protected readonly retry: CompensationRetry,
  ) {}

  step(): StepBuilder<D, Tx> {
    return new StepBuilder(this.sagaType, this.steps, this.retry);
  }

  build(): SagaDefinition<D, Tx> {
    if (this.steps.length === 0) throw new InvalidDefinitionError(`Saga '${this.sagaType}' has no steps.`);
    return { sagaType: this.sagaType, steps: [...this.steps], compensationRetry: this.retry };
  }
}

export class StepBuilder<D extends object, Tx> {
  constructor(
    private readonly sagaType: string,
    private readonly steps: Array<SagaStep<D, Tx>>,
    private readonly retry: CompensationRetry,
  ) {}

  /** A step in this service, run in the saga's transaction; throwing compensates the steps before it. */
  invokeLocal(action: LocalAction<D, Tx>): LocalStepBuilder<D, Tx> {
    const step = { kind: 'local' as const, action };
    this.steps.push(step);
    return new LocalStepBuilder(this.sagaType, this.steps, this.retry);
  }

  /** Sends a command (a class declared with @Command) to a channel and waits for its reply. */
  invokeParticipant<C extends object>(channel: string, command: (data: D) => C): ParticipantStepBuilder<D, Tx, C> {
    if (!channel) throw new InvalidDefinitionError(`Saga '${this.sagaType}', step ${this.steps.length + 1}: invokeParticipant needs a channel.`);
    this.steps.push({ kind: 'participant', channel, command, onReply: new Map() });
    return new ParticipantStepBuilder<D, Tx, C>(this.sagaType, this.steps, this.retry);
  }
}

abstract class DefinedStepBuilder<D extends object, Tx> extends SagaBuilder<D, Tx> {
  protected get current(): SagaStep<D, Tx> {
    return this.steps[this.steps.length - 1];
  }

  protected set current(step: SagaStep<D, Tx>) {
    this.steps[this.steps.length - 1] = step;
  }

  protected compensation(first: LocalAction<D, Tx> | string, command?: (data: D) => object, timeoutMs?: number): Compensation<D, Tx> {
    if (typeof first === 'function') return { kind: 'local', action: first };
    if (!command) throw new InvalidDefinitionError(`Saga '${this.sagaType}': withCompensation('${first}', ...) needs the command to send.`);
    return { kind: 'participant', channel: first, command, timeoutMs: timeoutMs ?? (this.current as { timeoutMs?: number }).timeoutMs };
  }
}

export class LocalStepBuilder<D extends object, Tx> extends DefinedStepBuilder<D, Tx> {
  /** Undoes this step when a later one fails: locally, or by a command to a participant. */
  withCompensation(action: LocalAction<D, Tx>): this;
  withCompensation<K extends object>(channel: string, command: (data: D) => K, options?: { timeoutMs?: number }): this;
  withCompensation(first: LocalAction<D, Tx> | string, command?: (data: D) => object, options?: { timeoutMs?: number }): this {
    this.current = { ...this.current, compensation: this.compensation(first, command, options?.timeoutMs) };
    return this;
  }
}

export class ParticipantStepBuilder<D extends object, Tx, C extends object> extends DefinedStepBuilder<D, Tx> {
  private get participant() {
    return this.current as Extract<SagaStep<D, Tx>, { kind: 'participant' }>;
  }

  /** Runs on the success reply, before the next step (e.g. to keep what it returned in the data). */
  onSuccess(handler: (data: D, reply: SuccessOf<C>) => void | Promise<void>): this {
    this.current = { ...this.participant, onSuccess: handler as ReplyHandler<D> };
    return this;
  }

  /** Runs on a failure reply, before compensating. */
  onFailure(handler: (data: D, reply: FailureOf<C>) => void | Promise<void>): this {
    this.current = { ...this.participant, onFailure: handler as ReplyHandler<D> };
    return this;
  }

  /** Runs on one reply class of the command (success or failure), instead of onSuccess/onFailure. */
  onReply<R extends ReplyOf<C>>(reply: Class<R>, handler: (data: D, reply: R) => void | Promise<void>): this {
    const onReply = new Map(this.participant.onReply);
    onReply.set(replyTypes.typeOf(reply), handler as ReplyHandler<D>);
    this.current = { ...this.participant, onReply };
    return this;
  }

  /**
   * A durable deadline: no reply within `ms` counts as a failure, so the saga
   * compensates (after `onTimeout`, e.g. to record why). It survives restarts
   * and fires once; a reply that comes later is ignored.
   */
  withTimeout(ms: number, onTimeout?: (data: D) => void | Promise<void>): this {
    if (!Number.isFinite(ms) || ms <= 0) throw new InvalidDefinitionError(`Saga '${this.sagaType}': withTimeout needs a positive number of ms, got ${ms}.`);
    this.current = { ...this.participant, timeoutMs: ms, onTimeout };
    return this;
  }

  withCompensation(action: LocalAction<D, Tx>): this;
  withCompensation<K extends object>(channel: string, command: (data: D) => K, options?: { timeoutMs?: number }): this;
  withCompensation(first: LocalAction<D, Tx> | string, command?: (data: D) => object, options?: { timeoutMs?: number }): this {
    this.current = { ...this.participant, compensation: this.compensation(first, command, options?.timeoutMs) };
    return this;
  }
}
