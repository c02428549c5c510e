import { describeError, EventloomError, isInfrastructureFailure } from '../errors';
import { newId } from '../runtime/ids';
import { Logger } from '../runtime/logger';
import { sleep } from '../runtime/backoff';
import { StoredEvent } from '../typing/stored-event';
import { RetriedWork } from '../subscribers/delivery';
import { eventToMessage, Message, ReplyHeaders, SagaHeaders } from '../messaging/message';
import { commandTypes, replyTypes } from '../messaging/message-types';
import { Outbox } from '../messaging/outbox';
import { ReceivedMessages, Transactions } from '../messaging/messaging-backend';
import { LocalContext, SagaDefinition, SagaStep } from './saga-definition';
import { SagaInstance, SagaInstanceStore, SagaStatus } from './saga-instance';

/** A saga as the API shows it. */
export interface SagaState<D> {
  readonly sagaId: string;
  readonly sagaType: string;
  readonly status: SagaStatus;
  readonly data: D;
  /** The step being run or compensated, 1-based, of `steps`. */
  readonly step: number;
  readonly steps: number;
  readonly compensating: boolean;
  /** While a reply is awaited: from whom, to what. */
  readonly awaiting?: { readonly channel: string; readonly commandType: string; readonly deadline?: Date };
  /** Why it compensates, or why it FAILED. */
  readonly reason?: string;
}

export interface SagaManagerDependencies<Tx> {
  readonly transactions: Transactions<Tx>;
  readonly outbox: Outbox<Tx>;
  readonly received: ReceivedMessages<Tx>;
  readonly instances: SagaInstanceStore<Tx>;
  readonly logger: Logger;
  /** Default: the wall clock. The saga fixture moves its own. */
  readonly now?: () => Date;
}

/** A local step threw: its transaction is rolled back and the failure recorded in the next one. */
class LocalStepFailed extends EventloomError {
  constructor(
    readonly version: number,
    readonly step: number,
    readonly compensating: boolean,
    readonly attempt: number,
    readonly reason: string,
    /** The saga's data as it was before the failing step ran (what the replies before it changed stays). */
    readonly data: string,
  ) {
    super(reason);
  }
}

interface Progress {
  status: SagaStatus;
  step: number;
  compensating: boolean;
  requestId?: string;
  attempt: number;
  deadline?: Date;
  reason?: string;
}

/**
 * Runs the instances of one saga definition: starts them, takes the replies
 * on the saga's reply channel (`<sagaType>-reply`, as Tram names it) and
 * fires due deadlines. Each transition locks the instance, and commits the
 * new state with the commands it sends and the reply's received mark.
 */
export class SagaManager<D extends object, Tx> {
  readonly sagaType: string;
  readonly replyChannel: string;
  readonly consumerId: string;
  private readonly now: () => Date;
  private timer?: { stop: boolean; loop: Promise<void>; wake?: () => void };

  constructor(
    readonly definition: SagaDefinition<D, Tx>,
    private readonly deps: SagaManagerDependencies<Tx>,
  ) {
    this.sagaType = definition.sagaType;
    this.replyChannel = `${definition.sagaType}-reply`;
    this.consumerId = `${definition.sagaType}-consumer`;
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Starts a saga and runs its steps up to the first participant. Given `tx`
   * (the caller's transaction, e.g. the one inserting the order), the saga
   * starts if and only if it commits; a local step that throws here throws
   * to the caller. A `sagaId` that exists throws DuplicateSagaError (the
   * instance is inserted after the first steps ran, so let the error end the
   * transaction). Returns the saga id.
   */
  async start(data: D, options: { readonly sagaId?: string; readonly tx?: Tx } = {}): Promise<string> {
    const sagaId = options.sagaId ?? newId();
    const run = async (tx: Tx) => {
      const now = this.now();
      const progress: Progress = { status: 'RUNNING', step: 0, compensating: false, attempt: 1 };
      const instance: SagaInstance = { sagaType: this.sagaType, sagaId, status: 'RUNNING', data: '{}', step: 0, compensating: false, attempt: 1, version: 0, createdAt: now, updatedAt: now };
      await this.forward(tx, instance, progress, data, 0, true);
      await this.deps.instances.insert(tx, { ...instance, ...progress, data: JSON.stringify(data), version: 1 });
    };
    if (options.tx !== undefined) await run(options.tx);
    else await this.deps.transactions.run(run);
    this.timer?.wake?.();
    return sagaId;
  }

  async find(sagaId: string): Promise<SagaState<D> | undefined> {
    const instance = await this.deps.instances.find(this.sagaType, sagaId);
    return instance && this.state(instance);
  }

  async list(status?: SagaStatus): Promise<Array<SagaState<D>>> {
    return (await this.deps.instances.list(this.sagaType, status)).map((i) => this.state(i));
  }

  /** What the transport runs per message on the reply channel. */
  replyWork(): RetriedWork {
    return {
      consumerId: this.consumerId,
      run: async (stored: StoredEvent) => {
        const message = eventToMessage(stored);
        if (message) await this.handleReply(message);
      },
    };
  }

  /** Takes one reply: ignored unless it answers the command the instance awaits now. */
  async handleReply(message: Message): Promise<void> {
    const headers = message.headers;
    if (headers[SagaHeaders.REPLY_SAGA_TYPE] !== this.sagaType) return;
    const sagaId = headers[SagaHeaders.REPLY_SAGA_ID];
    if (!sagaId) return;
    await this.transition(sagaId, async (tx, instance, progress, data) => {
      if (!(await this.deps.received.markReceived(tx, this.consumerId, message.id))) return false;
      if (instance.status !== 'RUNNING' || !instance.requestId || headers[SagaHeaders.REPLY_SAGA_REQUEST_ID] !== instance.requestId) {
        // A late reply (after a timeout moved on) or one the saga no longer waits for: marked, nothing else.
        return true;
      }
      const step = this.definition.steps[instance.step];
      const success = headers[ReplyHeaders.REPLY_OUTCOME] === 'SUCCESS';
      const replyType = headers[ReplyHeaders.REPLY_TYPE] ?? '';
      if (!instance.compensating) {
        if (step.kind === 'participant') {
          const reply = replyTypes.has(replyType) ? replyTypes.deserialize(replyType, message.payload) : (JSON.parse(message.payload || '{}') as object);
          const handler = step.onReply.get(replyType) ?? (success ? step.onSuccess : step.onFailure);
          await handler?.(data, reply);
        }
        if (success) return this.forward(tx, instance, progress, data, instance.step + 1);
        progress.reason = `${this.describeCall(instance)} failed: ${replyType}${failureReason(message)}`;
        return this.compensate(tx, instance, progress, data, instance.step - 1);
      }
      if (success) {
        progress.attempt = 1;
        return this.compensate(tx, instance, progress, data, instance.step - 1);
      }
      return this.compensationFailed(progress, instance.step, `${replyType}${failureReason(message)}`);
    }, message.id);
  }

  /** Fires the deadlines due now; returns how many instances it moved. The timer calls it. */
  async fireDueDeadlines(limit = 100): Promise<number> {
    let fired = 0;
    for (const sagaId of await this.deps.instances.due(this.sagaType, this.now(), limit)) {
      let moved = false;
      await this.transition(sagaId, async (tx, instance, progress, data) => {
        if (instance.status !== 'RUNNING' || !instance.deadline || instance.deadline > this.now()) return false;
        moved = true;
        progress.deadline = undefined;
        if (!instance.requestId) return this.compensate(tx, instance, progress, data, instance.step, true); // a compensation's next try
        const timeout = `${this.describeCall(instance)} got no reply within ${this.timeoutOf(instance)} ms`;
        if (instance.compensating) return this.compensationFailed(progress, instance.step, timeout);
        const step = this.definition.steps[instance.step];
        if (step.kind === 'participant') await step.onTimeout?.(data);
        progress.reason = timeout;
        return this.compensate(tx, instance, progress, data, instance.step - 1);
      });
      if (moved) fired++;
    }
    return fired;
  }

  /** Fires deadlines every `intervalMs` until close(). */
  startTimer(intervalMs = 250): void {
    if (this.timer) return;
    const timer: { stop: boolean; loop: Promise<void>; wake?: () => void } = { stop: false, loop: Promise.resolve() };
    timer.loop = (async () => {
      while (!timer.stop) {
        try {
          await this.fireDueDeadlines();
        } catch (error) {
          this.deps.logger.warn(`saga '${this.sagaType}' could not fire its deadlines; trying again`, { error: describeError(error) });
        }
        await Promise.race([sleep(intervalMs), new Promise<void>((resolve) => (timer.wake = resolve))]);
      }
    })();
    this.timer = timer;
  }

  async close(): Promise<void> {
    if (!this.timer) return;
    this.timer.stop = true;
    this.timer.wake?.();
    await this.timer.loop;
    this.timer = undefined;
  }

  /**
   * One transition of one instance, in one transaction: lock, decide, write.
   * `decide` returns false to write nothing. A local step that throws rolls
   * the transaction back; its failure is then recorded in a transaction of
   * its own (compensating, or retrying a compensation), if nothing else
   * moved the instance meanwhile.
   */
  private async transition(
    sagaId: string,
    decide: (tx: Tx, instance: SagaInstance, progress: Progress, data: D) => Promise<boolean | void>,
    messageId?: string,
  ): Promise<void> {
    for (;;) {
      try {
        await this.deps.transactions.run(async (tx) => {
          const instance = await this.deps.instances.lock(tx, this.sagaType, sagaId);
          if (!instance) return;
          const progress = progressOf(instance);
          const data = JSON.parse(instance.data) as D;
          if ((await decide(tx, instance, progress, data)) === false) return;
          await this.deps.instances.update(tx, { ...instance, ...progress, data: JSON.stringify(data), version: instance.version + 1, updatedAt: this.now() });
        });
        return;
      } catch (error) {
        if (!(error instanceof LocalStepFailed)) throw error;
        const failed = error;
        decide = async (tx, instance, progress, data) => {
          if (instance.version !== failed.version) return false;
          if (messageId !== undefined) await this.deps.received.markReceived(tx, this.consumerId, messageId);
          for (const key of Object.keys(data)) delete (data as Record<string, unknown>)[key];
          Object.assign(data, JSON.parse(failed.data));
          if (failed.compensating) {
            progress.attempt = failed.attempt;
            return this.compensationFailed(progress, failed.step, failed.reason);
          }
          progress.reason = failed.reason;
          return this.compensate(tx, instance, progress, data, failed.step - 1);
        };
      }
    }
  }

  /** Runs steps from `from` on: local ones here, up to the first participant, whose command it sends. */
  private async forward(tx: Tx, instance: SagaInstance, progress: Progress, data: D, from: number, starting = false): Promise<true> {
    const steps = this.definition.steps;
    for (let i = from; i < steps.length; i++) {
      const step = steps[i];
      progress.step = i;
      if (step.kind === 'local') {
        await this.runLocal(() => step.action(data, this.localContext(tx, instance.sagaId)), data, instance, i, false, 1, starting);
        continue;
      }
      await this.send(tx, instance.sagaId, progress, step.channel, step.command(data), step.timeoutMs);
      return true;
    }
    Object.assign(progress, { status: 'COMPLETED', step: steps.length - 1, requestId: undefined, deadline: undefined });
    return true;
  }

  /** Compensates steps from `from` down to the first: local compensations here, up to the first participant one. */
  private async compensate(tx: Tx, instance: SagaInstance, progress: Progress, data: D, from: number, retrying = false): Promise<true> {
    progress.compensating = true;
    if (!retrying) progress.attempt = 1;
    for (let j = from; j >= 0; j--) {
      const compensation = this.definition.steps[j].compensation;
      progress.step = j;
      if (!compensation) continue;
      if (compensation.kind === 'local') {
        const context = { ...this.localContext(tx, instance.sagaId), reason: progress.reason };
        await this.runLocal(() => compensation.action(data, context), data, instance, j, true, progress.attempt);
        progress.attempt = 1;
        continue;
      }
      await this.send(tx, instance.sagaId, progress, compensation.channel, compensation.command(data), compensation.timeoutMs);
      return true;
    }
    Object.assign(progress, { status: 'COMPENSATED', step: 0, requestId: undefined, deadline: undefined });
    return true;
  }

  /** A compensation failed: try it again after a delay, or end FAILED once the tries are used up. */
  private compensationFailed(progress: Progress, step: number, why: string): true {
    const { maxAttempts, initialDelayMs } = this.definition.compensationRetry;
    const what = `compensation of step ${step + 1}`;
    if (progress.attempt >= maxAttempts) {
      const reason = `${what} failed ${progress.attempt} times, last: ${why}${progress.reason ? ` (compensating because ${progress.reason})` : ''}`;
      this.deps.logger.error(`saga '${this.sagaType}' ended FAILED: ${reason}`);
      Object.assign(progress, { status: 'FAILED', step, requestId: undefined, deadline: undefined, reason });
      return true;
    }
    const delay = initialDelayMs * 2 ** (progress.attempt - 1);
    this.deps.logger.warn(`saga '${this.sagaType}': ${what} failed (try ${progress.attempt} of ${maxAttempts}); trying again in ${delay} ms`, { why });
    Object.assign(progress, { step, compensating: true, requestId: undefined, attempt: progress.attempt + 1, deadline: new Date(this.now().getTime() + delay) });
    return true;
  }

  private async send(tx: Tx, sagaId: string, progress: Progress, channel: string, command: object, timeoutMs?: number): Promise<void> {
    const requestId = newId();
    await this.deps.outbox.send(tx, channel, command, {
      messageId: requestId,
      replyTo: this.replyChannel,
      partitionKey: sagaId,
      headers: { [SagaHeaders.SAGA_TYPE]: this.sagaType, [SagaHeaders.SAGA_ID]: sagaId, [SagaHeaders.SAGA_REQUEST_ID]: requestId },
    });
    progress.requestId = requestId;
    progress.deadline = timeoutMs ? new Date(this.now().getTime() + timeoutMs) : undefined;
  }

  private async runLocal(
    action: () => void | Promise<void>,
    data: D,
    instance: SagaInstance,
    step: number,
    compensating: boolean,
    attempt: number,
    starting = false,
  ): Promise<void> {
    const before = JSON.stringify(data);
    try {
      await action();
    } catch (error) {
      if (starting || isInfrastructureFailure(error)) throw error;
      const what = compensating ? `local compensation of step ${step + 1}` : `local step ${step + 1}`;
      throw new LocalStepFailed(instance.version, step, compensating, attempt, `${what} failed: ${describeError(error, { withName: true })}`, before);
    }
  }

  private localContext(tx: Tx, sagaId: string): LocalContext<Tx> {
    return {
      sagaType: this.sagaType,
      sagaId,
      tx,
      outbox: {
        publishEvent: (aggregateType, aggregateId, event) => this.deps.outbox.publishEvent(tx, aggregateType, aggregateId, event),
        send: (channel, command, options) => this.deps.outbox.send(tx, channel, command, options),
      },
    };
  }

  private call(instance: Pick<SagaInstance, 'step' | 'compensating'>): { channel: string; command: (data: D) => object; timeoutMs?: number } | undefined {
    const step: SagaStep<D, Tx> | undefined = this.definition.steps[instance.step];
    const call = instance.compensating ? step?.compensation : step;
    return call && call.kind === 'participant' ? call : undefined;
  }

  private describeCall(instance: SagaInstance): string {
    const call = this.call(instance);
    const command = call ? commandTypeOf(call.command, JSON.parse(instance.data) as D) : '?';
    return `${instance.compensating ? 'compensation' : 'step'} ${instance.step + 1} (${command} to '${call?.channel ?? '?'}')`;
  }

  private timeoutOf(instance: SagaInstance): number | undefined {
    return this.call(instance)?.timeoutMs;
  }

  private state(instance: SagaInstance): SagaState<D> {
    const data = JSON.parse(instance.data) as D;
    const call = instance.requestId ? this.call(instance) : undefined;
    return {
      sagaId: instance.sagaId,
      sagaType: instance.sagaType,
      status: instance.status,
      data,
      step: instance.step + 1,
      steps: this.definition.steps.length,
      compensating: instance.compensating,
      awaiting: call && { channel: call.channel, commandType: commandTypeOf(call.command, data), deadline: instance.deadline },
      reason: instance.reason,
    };
  }
}

function progressOf(instance: SagaInstance): Progress {
  const { status, step, compensating, requestId, attempt, deadline, reason } = instance;
  return { status, step, compensating, requestId, attempt, deadline, reason };
}

function commandTypeOf<D>(command: (data: D) => object, data: D): string {
  try {
    return commandTypes.typeOfInstance(command(data));
  } catch {
    return '?';
  }
}

/** The reason a failure reply gives, when it gives one (CommandFailed and alike). */
function failureReason(message: Message): string {
  try {
    const reason = (JSON.parse(message.payload) as { reason?: unknown }).reason;
    return typeof reason === 'string' ? ` (${reason})` : '';
  } catch {
    return '';
  }
}
