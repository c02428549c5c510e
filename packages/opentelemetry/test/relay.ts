import { Aggregate, Apply, CommandHandler, Event, EventContext, EventHandlerMethod, EventSubscriber } from '@eventloom/core';

@Event('OtParcelSent')
export class ParcelSent {
  constructor(readonly to: string) {}
}

@Event('OtParcelReceived')
export class ParcelReceived {
  constructor(readonly by: string) {}
}

export class SendParcel {
  constructor(readonly to: string) {}
}

export class ReceiveParcel {
  constructor(readonly by: string) {}
}

@Aggregate('OtParcel')
export class Parcel {
  received = false;

  @CommandHandler(SendParcel)
  send(command: SendParcel) {
    return new ParcelSent(command.to);
  }

  @CommandHandler(ReceiveParcel)
  receive(command: ReceiveParcel) {
    return this.received ? [] : new ParcelReceived(command.by);
  }

  @Apply(ParcelSent)
  sent() {}

  @Apply(ParcelReceived)
  gotIt() {
    this.received = true;
  }
}

/** The next step of a saga: on ParcelSent, a command to the same parcel (its events continue the trace). */
@EventSubscriber('ot-receiver')
export class Receiver {
  readonly received: string[] = [];

  @EventHandlerMethod(ParcelSent)
  async sent(context: EventContext<ParcelSent>): Promise<void> {
    await context.update(Parcel, context.aggregateId, new ReceiveParcel(context.event.to));
    this.received.push(context.aggregateId);
  }
}
