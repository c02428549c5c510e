package dev.eventloom.tram;

import io.eventuate.tram.commands.common.Command;

/** A command Eventloom's delivery channel has no handler for: it must still be answered (with a failure). */
public class CancelDelivery implements Command {
  public String orderId;

  public CancelDelivery() {}

  public CancelDelivery(String orderId) {
    this.orderId = orderId;
  }
}
