import { RebuildMarks } from '@eventloom/core/spi';

/** Rebuild marks in this process (lost on restart), for tests and embedded runs. */
export class InMemoryRebuildMarks implements RebuildMarks {
  private readonly marks = new Map<string, number>();

  async get(subscriberId: string): Promise<number> {
    return this.marks.get(subscriberId) ?? 0;
  }

  async set(subscriberId: string, position: number): Promise<void> {
    this.marks.set(subscriberId, position);
  }
}
