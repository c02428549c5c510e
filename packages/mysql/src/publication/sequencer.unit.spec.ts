import { idRuns } from './sequencer';

describe('idRuns', () => {
  it('groups ids into runs of consecutive values', () => {
    expect(idRuns([5, 1, 2, 3, 7, 8, 10])).toEqual([[1, 3], [5, 5], [7, 8], [10, 10]]);
    expect(idRuns([])).toEqual([]);
    expect(idRuns([4, 4])).toEqual([[4, 4]]);
  });
});
