import { AggregateRepository } from '../aggregates/aggregate-repository';
import { CommandRejectedError } from '../errors';
import { UndecodableMessageError } from '../deadLetters/undecodable';
import { StoredEvent } from '../typing/stored-event';
import { eventContext } from '../subscribers/event-context';
import { RetriedWork } from '../subscribers/delivery';
import { CommandHandlersDefinition } from './command-handlers';
import { CommandContext } from './command-context';
import { CommandOutcome, withFailure } from './command-outcome';
import { eventToMessage, Message } from './message';
import { CommandFailed, commandTypes } from './message-types';
import { Outbox } from './outbox';
import { replyMessage } from './reply-message';
import { ReceivedMessages, Transactions } from './messaging-backend';

/** A command this channel cannot run at all: no handler knows its type, or its payload does not decode. */
export class UnhandledCommandError extends UndecodableMessageError {
  constructor(
    message: string,
    readonly code: 'UNKNOWN_COMMAND' | 'UNDECODABLE_COMMAND',
  ) {
    super(message);
  }
}

export interface CommandDispatchDependencies<Tx> {
  readonly transactions: Transactions<Tx>;
  readonly received: ReceivedMessages<Tx>;
  readonly outbox: Outbox<Tx>;
  readonly repository: AggregateRepository;
}

/**
 * One command message, handled once: in one transaction, mark it received
 * (a redelivery stops here), run the handler, write its reply. A handler's
 * CommandRejectedError is a business answer: a failure reply at once, no
 * retry. A command that cannot be run at all, or that keeps failing, gets a
 * failure reply naming the problem and is parked (see retryingDelivery).
 */
export function commandDispatch<Tx>(handlers: object, definition: CommandHandlersDefinition, deps: CommandDispatchDependencies<Tx>): RetriedWork {
  return {
    consumerId: definition.consumerId,
    run: async (stored, attempt) => {
      const message = asCommandMessage(stored, definition);
      const method = definition.handlers.get(stored.eventType)!;
      const command = decode(stored, definition);
      await deps.transactions.run(async (tx) => {
        if (!(await deps.received.markReceived(tx, definition.consumerId, message.id))) return;
        const context = commandContext(command, message, stored, attempt, tx, definition, deps);
        let outcome: CommandOutcome;
        try {
          outcome = await (handlers as Record<string | symbol, (c: unknown) => Promise<CommandOutcome>>)[method](context);
        } catch (error) {
          if (!(error instanceof CommandRejectedError)) throw error;
          outcome = withFailure(new CommandFailed(error.message, error.code ?? 'COMMAND_REJECTED'));
        }
        const reply = replyMessage(message, outcome);
        if (reply) await deps.outbox.write(tx, [reply]);
      });
    },
    giveUp: async (stored, reason, error) => {
      const message = eventToMessage(stored);
      if (!message) return;
      const code = error instanceof UnhandledCommandError ? error.code : 'COMMAND_FAILED';
      await deps.transactions.run(async (tx) => {
        if (!(await deps.received.markReceived(tx, definition.consumerId, message.id))) return;
        const reply = replyMessage(message, withFailure(new CommandFailed(reason, code)));
        if (reply) await deps.outbox.write(tx, [reply]);
      });
    },
  };
}

function asCommandMessage(stored: StoredEvent, definition: CommandHandlersDefinition): Message {
  const message = eventToMessage(stored);
  if (!message) {
    throw new UnhandledCommandError(`'${stored.eventType}' ${stored.eventId} on channel '${definition.channel}' is an event, not a command message.`, 'UNDECODABLE_COMMAND');
  }
  return message;
}

function decode(stored: StoredEvent, definition: CommandHandlersDefinition): object {
  const type = stored.eventType;
  if (!definition.handlers.has(type) || !commandTypes.has(type)) {
    throw new UnhandledCommandError(
      `No handler for command '${type}' on channel '${definition.channel}' (it handles ${[...definition.handlers.keys()].join(', ')}).`,
      'UNKNOWN_COMMAND',
    );
  }
  try {
    return commandTypes.deserialize(type, stored.eventData);
  } catch (error) {
    throw new UnhandledCommandError(`The payload of command '${type}' ${stored.eventId} does not decode: ${String(error)}`, 'UNDECODABLE_COMMAND');
  }
}

function commandContext<Tx>(
  command: object,
  message: Message,
  stored: StoredEvent,
  attempt: number,
  tx: Tx,
  definition: CommandHandlersDefinition,
  deps: CommandDispatchDependencies<Tx>,
): CommandContext<object, Tx> {
  // The message id keys the aggregate commands a handler runs, exactly as an event keys a subscriber's.
  const keyed = eventContext({ ...stored, event: command }, definition.consumerId, attempt, deps.repository);
  return {
    command,
    messageId: message.id,
    channel: definition.channel,
    commandType: stored.eventType,
    headers: message.headers,
    attempt,
    tx,
    outbox: {
      publishEvent: (aggregateType, aggregateId, event) => deps.outbox.publishEvent(tx, aggregateType, aggregateId, event),
      send: (channel, cmd, options) => deps.outbox.send(tx, channel, cmd, options),
    },
    update: keyed.update,
    create: keyed.create,
    success: (reply) => ({ outcome: 'SUCCESS', reply }),
    failure: (reply) => ({ outcome: 'FAILURE', reply }),
  };
}
