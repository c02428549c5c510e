import { CommandContext, CommandHandlers, HandlesCommand } from '@eventloom/core';
import { Customer } from '../customers/customer.aggregate';
import { ReleaseCredit, ReserveCredit } from '../customers/customer.commands';
import { CreditLimitExceededReply, CreditReleasedReply, CreditReservedReply, CUSTOMER_SERVICE, ReleaseCreditCommand, ReserveCreditCommand } from './credit-messages';

/**
 * The customer service answers commands with its event-sourced Customer: the
 * message id keys the aggregate command, and the reply is read off the
 * aggregate's state, so a redelivered command reserves once and answers alike.
 */
@CommandHandlers(CUSTOMER_SERVICE)
export class CustomerCommandHandlers {
  @HandlesCommand(ReserveCreditCommand)
  async reserve(ctx: CommandContext<ReserveCreditCommand>) {
    const { customerId, orderId, orderTotal } = ctx.command;
    const { aggregate } = await ctx.update(Customer, customerId, new ReserveCredit(orderId, orderTotal));
    if (aggregate.reservations.some((r) => r.orderId === orderId)) return ctx.success(new CreditReservedReply());
    return ctx.failure(new CreditLimitExceededReply(aggregate.availableCredit()));
  }

  @HandlesCommand(ReleaseCreditCommand)
  async release(ctx: CommandContext<ReleaseCreditCommand>) {
    await ctx.update(Customer, ctx.command.customerId, new ReleaseCredit(ctx.command.orderId));
    return ctx.success(new CreditReleasedReply());
  }
}
