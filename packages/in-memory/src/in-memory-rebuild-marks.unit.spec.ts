import { InMemoryRebuildMarks } from './in-memory-rebuild-marks';

describe('InMemoryRebuildMarks', () => {
  it('is 0 for a subscriber never rebuilt, and keeps the last mark set per subscriber', async () => {
    const marks = new InMemoryRebuildMarks();
    expect(await marks.get('view')).toBe(0);
    await marks.set('view', 240);
    await marks.set('other', 7);
    await marks.set('view', 250);
    expect(await marks.get('view')).toBe(250);
    expect(await marks.get('other')).toBe(7);
  });
});
