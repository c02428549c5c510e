import { derivedId } from '../runtime/ids';
import { CommandHeaders, inReply, Message, MessageHeaders, ReplyHeaders } from './message';
import { replyTypes } from './message-types';
import { CommandOutcome } from './command-outcome';
import { buildMessage } from './outbox';

/**
 * The reply to a command, as Tram builds it: to the command's `command_reply_to`
 * channel, with the outcome and reply type, `reply_to_message_id`, and each
 * `command_x` header copied as `commandreply_x` (how a saga finds its
 * instance). Its id derives from the command's, so a reply written again for
 * a redelivered command is the same message, dropped by the receiver.
 * Undefined when the command asked for no reply.
 */
export function replyMessage(command: Message, outcome: CommandOutcome): Message | undefined {
  const replyTo = command.headers[CommandHeaders.REPLY_TO];
  if (!replyTo) return undefined;
  const type = replyTypes.typeOfInstance(outcome.reply);
  const correlation: Record<string, string> = {};
  for (const [name, value] of Object.entries(command.headers)) {
    if (name.startsWith(CommandHeaders.PREFIX)) correlation[inReply(name)] = value;
  }
  return buildMessage(
    replyTo,
    replyTypes.serialize(outcome.reply, type),
    {
      ...correlation,
      [MessageHeaders.PARTITION_ID]: command.headers[MessageHeaders.PARTITION_ID] ?? command.id,
      [ReplyHeaders.REPLY_TYPE]: type,
      [ReplyHeaders.REPLY_OUTCOME]: outcome.outcome,
      [ReplyHeaders.IN_REPLY_TO]: command.id,
    },
    derivedId(command.id, 'reply'),
  );
}
