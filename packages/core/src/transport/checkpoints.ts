/**
 * Where a subscriber stands in the publication: the highest position up to
 * which every event it wants has been handled. Saved after the handler, so a
 * crash means redelivery, never loss.
 */
export interface CheckpointStore {
  load(subscriberId: string): Promise<number>;
  save(subscriberId: string, position: number): Promise<void>;
}

export class InMemoryCheckpointStore implements CheckpointStore {
  private readonly positions = new Map<string, number>();

  async load(subscriberId: string): Promise<number> {
    return this.positions.get(subscriberId) ?? 0;
  }

  async save(subscriberId: string, position: number): Promise<void> {
    this.positions.set(subscriberId, Math.max(position, this.positions.get(subscriberId) ?? 0));
  }
}
