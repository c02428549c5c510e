package dev.eventloom.tram;

/** Eventloom's failure reply to ScheduleDelivery, decoded here by its reply_type. */
public class DeliveryRefused {
  public String orderId;
  public String reason;
}
