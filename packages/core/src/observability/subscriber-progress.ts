/** How far one subscription is behind, as Eventloom.subscriptionProgress() reports it. */
export interface SubscriberProgress {
  readonly subscriberId: string;
  /** True once it reads its events (a Kafka consumer joined its group, a log reader has read). */
  readonly joined: boolean;
  /** Events stored for it and not yet handled, as far as its transport can see. */
  readonly lagEvents: number;
  /** 0 when caught up; else how late its latest event was handled, or how long it has been stalled, if longer. */
  readonly lagSeconds: number;
}
