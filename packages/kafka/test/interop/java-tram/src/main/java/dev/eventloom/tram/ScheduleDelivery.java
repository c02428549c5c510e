package dev.eventloom.tram;

import io.eventuate.tram.commands.common.Command;

/** The command the Java side sends to Eventloom's @CommandHandlers. */
public class ScheduleDelivery implements Command {
  public String orderId;
  public int parcels;

  public ScheduleDelivery() {}

  public ScheduleDelivery(String orderId, int parcels) {
    this.orderId = orderId;
    this.parcels = parcels;
  }
}
