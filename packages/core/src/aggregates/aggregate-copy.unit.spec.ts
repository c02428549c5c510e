import { copyInto, deepCopy } from './aggregate-copy';

class Money {
  constructor(readonly cents: number) {}
  plus(other: Money): Money {
    return new Money(this.cents + other.cents);
  }
}

class Wallet {
  balance = new Money(0);
  history: Money[] = [];
  byCurrency = new Map<string, Money>();
  tags = new Set<string>();
  openedAt = new Date('2024-01-02T03:04:05Z');
  self?: Wallet;
}

describe('deepCopy', () => {
  it('keeps every class, so methods work on the copy', () => {
    const wallet = new Wallet();
    wallet.balance = new Money(5);
    const copy = deepCopy(wallet);
    expect(copy).toBeInstanceOf(Wallet);
    expect(copy.balance).toBeInstanceOf(Money);
    expect(copy.balance.plus(new Money(2)).cents).toBe(7);
    expect(copy).toEqual(wallet);
  });

  it('shares nothing mutable with the original', () => {
    const wallet = new Wallet();
    wallet.history.push(new Money(1));
    wallet.byCurrency.set('EUR', new Money(3));
    wallet.tags.add('vip');
    const copy = deepCopy(wallet);
    copy.history.push(new Money(2));
    (copy.history[0] as { cents: number }).cents = 99;
    copy.byCurrency.get('EUR')!.plus(new Money(0));
    copy.byCurrency.set('USD', new Money(4));
    copy.tags.add('new');
    copy.openedAt.setUTCFullYear(2030);
    expect(wallet.history.map((m) => m.cents)).toEqual([1]);
    expect([...wallet.byCurrency.keys()]).toEqual(['EUR']);
    expect(copy.byCurrency.get('EUR')).not.toBe(wallet.byCurrency.get('EUR'));
    expect([...wallet.tags]).toEqual(['vip']);
    expect(wallet.openedAt.getUTCFullYear()).toBe(2024);
  });

  it('keeps cycles and shared references as they are', () => {
    const wallet = new Wallet();
    wallet.self = wallet;
    const shared = new Money(1);
    wallet.history.push(shared, shared);
    const copy = deepCopy(wallet);
    expect(copy.self).toBe(copy);
    expect(copy.history[0]).toBe(copy.history[1]);
    expect(copy.history[0]).not.toBe(shared);
  });
});

describe('copyInto', () => {
  it('makes the target a deep copy of the source in place, sharing nothing mutable', () => {
    const target = new Wallet();
    const source = new Wallet();
    source.balance = new Money(5);
    source.history.push(new Money(5));
    source.tags.add('gift');
    expect(copyInto(target, source)).toBe(true);
    expect(target).toEqual(source);
    expect(target.balance).toBeInstanceOf(Money);
    expect(target.balance).not.toBe(source.balance);
    source.history.push(new Money(1));
    source.tags.add('later');
    expect(target.history).toHaveLength(1);
    expect(target.tags.has('later')).toBe(false);
  });

  it('removes the properties the source does not have', () => {
    const target = Object.assign(new Wallet(), { extra: 1 });
    copyInto(target, new Wallet());
    expect(target).not.toHaveProperty('extra');
  });

  it('keeps a reference to the source itself pointing at the target', () => {
    const source = new Wallet();
    source.self = source;
    const target = new Wallet();
    copyInto(target, source);
    expect(target.self).toBe(target);
  });

  it('changes nothing when the two are not of one class', () => {
    const target = new Money(1);
    expect(copyInto(target, new Wallet())).toBe(false);
    expect(target).toEqual(new Money(1));
  });
});
