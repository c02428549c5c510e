import { CommandHeaders, CommandOutcome, Message, SagaDefinition, SagaManager, SagaState, silentLogger, withSuccess } from '@eventloom/core';
import { commandTypes, replyMessage } from '@eventloom/core/spi';
import { InMemoryReceivedMessages, InMemorySagaInstances, InMemoryTransaction, InMemoryTransactions } from '@eventloom/in-memory';
import { Outbox } from '@eventloom/core';
import { FixtureFailure } from './fixture-failure';

/** A command the saga sent, as the fixture shows it. */
export interface SentCommand {
  readonly channel: string;
  readonly commandType: string;
  /** The command's JSON, parsed. */
  readonly command: Record<string, unknown>;
  readonly message: Message;
}

/**
 * Given a saga, when replies (and elapsed time), expect the commands it
 * sends and its final state: the saga's manager, run in memory with a
 * clock the test moves. Nothing else runs: the test plays the participants.
 *
 *     const saga = await sagaFixture(createOrderSaga).start({ orderId, customerId, total: 720 });
 *     saga.expectCommand('customerService', new ReserveCredit(customerId, orderId, new Money(720)));
 *     await saga.reply(withFailure(new CustomerCreditLimitExceeded()));
 *     saga.expectStatus('COMPENSATED');
 */
export function sagaFixture<D extends object>(definition: SagaDefinition<D, InMemoryTransaction>, options: { readonly startAt?: Date } = {}): SagaFixture<D> {
  return new SagaFixture(definition, options.startAt ?? new Date('2026-01-01T00:00:00Z'));
}

export class SagaFixture<D extends object> {
  private readonly sent: Message[] = [];
  /** Domain events the saga's local steps published through the outbox. */
  readonly publishedEvents: Message[] = [];
  private readonly manager: SagaManager<D, InMemoryTransaction>;
  private clock: Date;
  private sagaId?: string;
  private current?: SagaState<D>;
  private seen = 0;

  constructor(definition: SagaDefinition<D, InMemoryTransaction>, startAt: Date) {
    this.clock = startAt;
    const sent = this.sent;
    const events = this.publishedEvents;
    this.manager = new SagaManager(definition, {
      transactions: new InMemoryTransactions(),
      outbox: new Outbox<InMemoryTransaction>({
        append: async (tx, messages) =>
          tx.onCommit(() => {
            for (const message of messages) (message.headers[CommandHeaders.COMMAND_TYPE] ? sent : events).push(message);
          }),
      }),
      received: new InMemoryReceivedMessages(),
      instances: new InMemorySagaInstances(),
      logger: silentLogger,
      now: () => this.clock,
    });
  }

  /** Given: the saga started with `data`. */
  async start(data: D): Promise<this> {
    this.sagaId = await this.manager.start(data);
    await this.refresh();
    return this;
  }

  /**
   * When: the participant answers the last command sent (withSuccess(...) or
   * withFailure(...)), or the one given as `to` (one of `commands`: a late reply).
   */
  async reply(outcome: CommandOutcome = withSuccess({}), options: { readonly to?: SentCommand } = {}): Promise<this> {
    const command = options.to?.message ?? this.lastSent('reply to');
    const reply = replyMessage(command, outcome);
    if (!reply) throw new FixtureFailure(`The saga's last command (${command.headers.command_type}) asked for no reply.`);
    await this.manager.handleReply(reply);
    await this.refresh();
    return this;
  }

  /** When: time passes; deadlines due by then fire. */
  async timePasses(ms: number): Promise<this> {
    this.clock = new Date(this.clock.getTime() + ms);
    await this.manager.fireDueDeadlines();
    await this.refresh();
    return this;
  }

  /** Then: the saga sent exactly this command since the last expectCommand (compared as JSON). */
  expectCommand(channel: string, command: object): this {
    const sent = this.sent.slice(this.seen);
    const wanted = { channel, commandType: commandTypes.typeOfInstance(command), command: JSON.parse(commandTypes.serialize(command)) as unknown };
    const actual = sent.map((m) => ({ channel: m.destination, commandType: m.headers.command_type, command: JSON.parse(m.payload) as unknown }));
    if (actual.length !== 1 || JSON.stringify(actual[0]) !== JSON.stringify(wanted)) {
      throw new FixtureFailure(`Expected the saga to send ${JSON.stringify(wanted)}, but it sent ${actual.length === 0 ? 'nothing' : JSON.stringify(actual)}.`);
    }
    this.seen = this.sent.length;
    return this;
  }

  /** Then: the saga sent nothing since the last expectCommand. */
  expectNoCommand(): this {
    const sent = this.sent.slice(this.seen);
    if (sent.length > 0) throw new FixtureFailure(`Expected no command, but the saga sent ${sent.map((m) => m.headers.command_type).join(', ')}.`);
    return this;
  }

  /** Then: the saga's status (and, optionally, a check of its state). */
  expectStatus(status: SagaState<D>['status'], check?: (state: SagaState<D>) => void): this {
    const state = this.state;
    if (state.status !== status) throw new FixtureFailure(`Expected the saga to be ${status}, but it is ${state.status}${state.reason ? ` (${state.reason})` : ''}.`);
    check?.(state);
    return this;
  }

  get state(): SagaState<D> {
    if (!this.current) throw new FixtureFailure('Start the saga first: await sagaFixture(definition).start(data).');
    return this.current;
  }

  /** Every command sent so far. */
  get commands(): SentCommand[] {
    return this.sent.map((m) => ({ channel: m.destination, commandType: m.headers.command_type, command: JSON.parse(m.payload) as Record<string, unknown>, message: m }));
  }

  private lastSent(what: string): Message {
    const last = this.sent[this.sent.length - 1];
    if (!last) throw new FixtureFailure(`Nothing to ${what}: the saga has sent no command.`);
    return last;
  }

  private async refresh(): Promise<void> {
    this.current = await this.manager.find(this.sagaId!);
  }
}
