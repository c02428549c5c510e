/**
 * The key of one aggregate's stream, unique across aggregate types: what
 * per-aggregate ordering, dedup and parking are keyed by. The separator
 * cannot occur in a type name.
 */
export function aggregateKey(aggregateType: string, aggregateId: string): string {
  return `${aggregateType}\u0000${aggregateId}`;
}
