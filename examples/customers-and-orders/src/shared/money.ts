/** An amount of money. A value object: it travels inside events and is revived as a Money. */
export class Money {
  constructor(readonly amount: number) {}

  static zero(): Money {
    return new Money(0);
  }

  add(other: Money): Money {
    return new Money(round(this.amount + other.amount));
  }

  subtract(other: Money): Money {
    return new Money(round(this.amount - other.amount));
  }

  isGreaterThan(other: Money): boolean {
    return this.amount > other.amount;
  }

  toJSON(): { amount: number } {
    return { amount: this.amount };
  }
}

// Amounts are decimals with at most two places; keep sums free of binary noise.
function round(value: number): number {
  return Math.round(value * 100) / 100;
}
