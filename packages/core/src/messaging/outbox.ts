import { eventTypes } from '../typing/event';
import { newId } from '../runtime/ids';
import { CommandHeaders, EventHeaders, Message, MessageHeaders } from './message';
import { commandTypes } from './message-types';
import { OutboxStore } from './messaging-backend';

export interface SendOptions {
  /** The channel replies go to (the `command_reply_to` header); none: no reply is wanted. */
  readonly replyTo?: string;
  /** Commands with one partition key are delivered in order (default: the message id). */
  readonly partitionKey?: string;
  /** Extra headers; a `command_` header comes back in the reply as `commandreply_` (correlation). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Default: a new UUIDv7. Give a stable id to make a resend the same message. */
  readonly messageId?: string;
}

/**
 * The transactional outbox: messages written in the caller's own
 * transaction, next to its business rows, so they are published if and only
 * if the transaction commits. A service on plain tables publishes its domain
 * events this way, and sends commands.
 */
export class Outbox<Tx> {
  /**
   * `traceFields`, when given, names the active trace (W3C traceparent,
   * tracestate): sent as headers of every message written here, so that
   * whoever handles it continues the trace (Messaging passes its
   * Eventloom's instrumentation's).
   */
  constructor(
    private readonly store: OutboxStore<Tx>,
    private readonly traceFields?: () => Record<string, string> | undefined,
  ) {}

  /** Publishes a domain event of an aggregate kept in plain tables; subscribers see an event of `aggregateType`. */
  async publishEvent(tx: Tx, aggregateType: string, aggregateId: string, event: object): Promise<string> {
    const type = eventTypes.typeOfInstance(event);
    const message = buildMessage(aggregateType, eventTypes.serialize(event, type), {
      [MessageHeaders.PARTITION_ID]: aggregateId,
      [EventHeaders.EVENT_TYPE]: type,
      [EventHeaders.AGGREGATE_TYPE]: aggregateType,
      [EventHeaders.AGGREGATE_ID]: aggregateId,
    });
    await this.store.append(tx, this.traced([message]));
    return message.id;
  }

  /** Sends a command (a class declared with @Command) to a channel; returns the message id. */
  async send(tx: Tx, channel: string, command: object, options: SendOptions = {}): Promise<string> {
    const message = commandMessage(channel, command, options);
    await this.store.append(tx, this.traced([message]));
    return message.id;
  }

  /** Writes messages built elsewhere (replies), in order. */
  async write(tx: Tx, messages: readonly Message[]): Promise<void> {
    await this.store.append(tx, this.traced(messages));
  }

  /** The messages with the active trace's headers (those a message already has win). */
  private traced(messages: readonly Message[]): readonly Message[] {
    const fields = this.traceFields?.();
    if (!fields) return messages;
    return messages.map((message) => ({ ...message, headers: { ...fields, ...message.headers } }));
  }
}

export function commandMessage(channel: string, command: object, options: SendOptions = {}): Message {
  const type = commandTypes.typeOfInstance(command);
  const id = options.messageId ?? newId();
  return buildMessage(
    channel,
    commandTypes.serialize(command, type),
    {
      ...options.headers,
      [MessageHeaders.PARTITION_ID]: options.partitionKey ?? id,
      [CommandHeaders.COMMAND_TYPE]: type,
      [CommandHeaders.DESTINATION]: channel,
      ...(options.replyTo ? { [CommandHeaders.REPLY_TO]: options.replyTo } : {}),
    },
    id,
  );
}

export function buildMessage(destination: string, payload: string, headers: Record<string, string>, id: string = newId()): Message {
  return {
    id,
    destination,
    payload,
    headers: { ...headers, [MessageHeaders.ID]: id, [MessageHeaders.DESTINATION]: destination, [MessageHeaders.DATE]: new Date().toUTCString() },
  };
}
