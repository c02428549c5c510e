package dev.eventloom.tram;

/** Eventloom's success reply to ScheduleDelivery, decoded here by its reply_type. */
public class DeliveryScheduled {
  public String orderId;
  public String slot;
}
