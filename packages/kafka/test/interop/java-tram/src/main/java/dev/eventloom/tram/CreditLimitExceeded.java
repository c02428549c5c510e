package dev.eventloom.tram;

/** The participant's failure reply (reply_type = this class name). */
public class CreditLimitExceeded {
  public String customerId;
  public long requested;
  public long limit;

  public CreditLimitExceeded() {}

  public CreditLimitExceeded(String customerId, long requested, long limit) {
    this.customerId = customerId;
    this.requested = requested;
    this.limit = limit;
  }
}
