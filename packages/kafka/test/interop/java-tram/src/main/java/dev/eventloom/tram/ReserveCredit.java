package dev.eventloom.tram;

import io.eventuate.tram.commands.common.Command;

/** The participant's command; Eventloom's saga sends it under this class name (its command_type). */
public class ReserveCredit implements Command {
  public String customerId;
  public long amount;
}
