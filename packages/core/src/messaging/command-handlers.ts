import 'reflect-metadata';
import { Class } from '../typing/class';
import { InvalidDefinitionError } from '../errors';
import { commandTypes, FailureOf, SuccessOf } from './message-types';
import { CommandContext } from './command-context';
import { CommandOutcome } from './command-outcome';

export interface CommandHandlersOptions {
  /** The durable consumer id (default `<channel>-command-dispatcher`); messages it handled are recorded under it. */
  readonly consumerId?: string;
}

export interface CommandHandlersDefinition {
  readonly channel: string;
  readonly consumerId: string;
  /** command type name -> method name */
  readonly handlers: Map<string, string | symbol>;
}

const CHANNEL = Symbol.for('eventloom:command-channel');
const HANDLERS = Symbol.for('eventloom:command-message-handlers');

/**
 * Declares the command handlers of a channel: one method per command class,
 * decorated with @HandlesCommand. Every command on the channel gets a reply.
 */
export function CommandHandlers(channel: string, options: CommandHandlersOptions = {}) {
  return <C extends Class<object>>(cls: C): void => {
    if (!channel) throw new InvalidDefinitionError(`@CommandHandlers on ${cls.name} needs a channel name, e.g. @CommandHandlers('customerService').`);
    const consumerId = options.consumerId ?? `${channel}-command-dispatcher`;
    if (consumerId.length > 150) throw new InvalidDefinitionError(`@CommandHandlers on ${cls.name}: the consumer id '${consumerId}' is over 150 characters; give a shorter consumerId.`);
    Reflect.defineMetadata(CHANNEL, { channel, consumerId }, cls);
  };
}

/**
 * Marks the handler of one command class. It receives a CommandContext of
 * exactly that command and answers with the command's declared replies
 * (`ctx.success(...)`, `ctx.failure(...)`): the compiler checks both.
 */
export function HandlesCommand<C extends object>(command: Class<C>) {
  return <F extends (context: CommandContext<C, never>) => Promise<CommandOutcome<SuccessOf<C>, FailureOf<C>>>>(
    target: object,
    method: string | symbol,
    _descriptor: TypedPropertyDescriptor<F>,
  ): void => {
    const list = (Reflect.getOwnMetadata(HANDLERS, target) as Array<[Class, string | symbol]>) ?? [];
    list.push([command, method]);
    Reflect.defineMetadata(HANDLERS, list, target);
  };
}

export function commandHandlersDefinition(instance: object): CommandHandlersDefinition {
  const cls = instance.constructor as Class;
  const declared = Reflect.getOwnMetadata(CHANNEL, cls) as { channel: string; consumerId: string } | undefined;
  if (!declared) throw new InvalidDefinitionError(`${cls.name} is not a command handler class. Decorate it with @CommandHandlers('someChannel').`);
  const handlers = new Map<string, string | symbol>();
  for (const [command, method] of (Reflect.getOwnMetadata(HANDLERS, cls.prototype) as Array<[Class, string | symbol]>) ?? []) {
    const type = commandTypes.typeOf(command);
    if (handlers.has(type)) throw new InvalidDefinitionError(`${cls.name} has two handlers for command '${type}'.`);
    handlers.set(type, method);
  }
  if (handlers.size === 0) throw new InvalidDefinitionError(`${cls.name} has no @HandlesCommand method; command handlers need at least one.`);
  return { ...declared, handlers };
}
