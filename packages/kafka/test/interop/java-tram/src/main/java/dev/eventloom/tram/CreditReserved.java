package dev.eventloom.tram;

/** The participant's success reply (reply_type = this class name). */
public class CreditReserved {
  public String customerId;
  public long reserved;
  public long available;

  public CreditReserved() {}

  public CreditReserved(String customerId, long reserved, long available) {
    this.customerId = customerId;
    this.reserved = reserved;
    this.available = available;
  }
}
