import { copyState, findStateChange } from './state-change';

class Money {
  constructor(public amount: number) {}
}

describe('state change detection', () => {
  it('finds nothing in an untouched copy, whatever the state holds', () => {
    const key = { id: 1 };
    const state = {
      total: new Money(5),
      lines: [new Money(1), [2, 3]],
      at: new Date(5),
      byKey: new Map<unknown, unknown>([[key, new Money(1)], ['a', new Set([1])]]),
      tags: new Set(['x']),
      [Symbol.for('hidden')]: 1,
      nothing: undefined,
      self: undefined as unknown,
    };
    state.self = state;
    const before = copyState(state);
    expect(before.total).toBeInstanceOf(Money);
    expect(before.total).not.toBe(state.total);
    expect(findStateChange(before, state)).toBeUndefined();
  });

  it.each([
    ['a field', (s: State) => (s.total.amount = 6), 'total.amount', 5, 6],
    ['an array element', (s: State) => (s.lines[1] = new Money(9)), 'lines[1].amount', 2, 9],
    ['a Map value', (s: State) => s.byName.get('a')!.amount++, 'byName.get("a").amount', 1, 2],
    ['a symbol-keyed field', (s: State) => (s[hidden] = 2), '[Symbol(hidden)]', 1, 2],
    ['a new field', (s: State) => ((s as unknown as Record<string, unknown>).extra = true), 'extra', undefined, true],
  ])('names %s that changed', (_name, change, path, was, is) => {
    const state = sample();
    const before = copyState(state);
    change(state);
    expect(findStateChange(before, state)).toEqual({ path, was, is });
  });

  it('reports a Set, a Date, a replaced object and a resized array whole', () => {
    const cases: Array<[(s: State) => void, string]> = [
      [(s) => s.tags.delete('x'), 'tags'],
      [(s) => s.at.setTime(0), 'at'],
      [(s) => (s.total = Object.assign(Object.create(null) as object, { amount: 5 }) as Money), 'total'],
      [(s) => s.lines.pop(), 'lines'],
    ];
    for (const [change, path] of cases) {
      const state = sample();
      const before = copyState(state);
      change(state);
      expect(findStateChange(before, state)?.path).toBe(path);
    }
  });
});

const hidden = Symbol('hidden');

interface State {
  total: Money;
  lines: Money[];
  byName: Map<string, Money>;
  tags: Set<string>;
  at: Date;
  [hidden]: number;
}

function sample(): State {
  return {
    total: new Money(5),
    lines: [new Money(1), new Money(2)],
    byName: new Map([['a', new Money(1)]]),
    tags: new Set(['x']),
    at: new Date(5),
    [hidden]: 1,
  };
}
