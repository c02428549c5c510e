import { DeadLetterStore, ParkedEvent } from './dead-letter-store';

/**
 * A dead-letter store that can tell which aggregates have parked events, for
 * a transport that holds back the later events of such an aggregate (to keep
 * per-aggregate order through a failure).
 */
export interface AggregateParking extends DeadLetterStore {
  /** Keys (aggregateKey(type, id)) of the aggregates with parked events of this subscriber. */
  parkedAggregates(subscriberId: string): Promise<Set<string>>;
  hasParked(subscriberId: string, aggregateType: string, aggregateId: string): Promise<boolean>;
  /** Called after every park through this instance. */
  onPark(listener: (entry: ParkedEvent) => void): () => void;
}

export function supportsAggregateParking(store: DeadLetterStore): store is AggregateParking {
  const candidate = store as Partial<AggregateParking>;
  return typeof candidate.parkedAggregates === 'function' && typeof candidate.hasParked === 'function' && typeof candidate.onPark === 'function';
}
