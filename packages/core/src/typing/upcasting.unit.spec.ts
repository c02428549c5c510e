import { Type } from 'class-transformer';
import { Event, eventTypes } from './event';
import { upcast } from './upcasting';
import { StoredEvent } from './stored-event';
import { InvalidDefinitionError, UnknownEventTypeError, UnknownEventVersionError, UpcastFailedError } from '../errors';

// Type-checked by `npm test` (tsc -p tsconfig.spec.json): each expect-error below must stay an error.

class Money {
  constructor(
    readonly amount: number,
    readonly currency: string,
  ) {}
  plus(other: Money): Money {
    return new Money(this.amount + other.amount, this.currency);
  }
}

/** Version 1, stored as 'UnitOrderPlaced' before the rename. */
interface OrderPlacedV1 {
  customerId: string;
  total: number;
}

const upcasters = upcast<OrderPlacedV1>()
  .to(2, (v1) => ({ customerId: v1.customerId, orderTotal: { amount: v1.total } }))
  .to(3, (v2, stored) => ({ ...v2, orderTotal: { ...v2.orderTotal, currency: 'EUR' }, placedAt: stored.timestamp.toISOString() }));

@Event('UnitOrderCreated', { schemaVersion: 3, aliases: ['UnitOrderPlaced'], upcasters })
class OrderCreated {
  @Type(() => Money) readonly orderTotal: Money;
  constructor(
    readonly customerId: string,
    orderTotal: Money,
    readonly placedAt: string,
  ) {
    this.orderTotal = orderTotal;
  }
}

// @ts-expect-error the last upcaster returns no placedAt, which the class is stored with
@Event('UnitMismatchedUpcasters', { schemaVersion: 2, upcasters: upcast<{ id: string }>().to(2, (v1) => ({ id: v1.id })) })
class Mismatched {
  constructor(
    readonly id: string,
    readonly placedAt: string,
  ) {}
}

upcast<OrderPlacedV1>()
  // @ts-expect-error a step takes what the step before returned (v1 has no orderTotal)
  .to(2, (v1: { orderTotal: number }) => v1);

function stored(eventType: string, data: object, schemaVersion: unknown, eventId = 'e-1'): StoredEvent {
  return {
    eventId,
    eventType,
    eventData: JSON.stringify(data),
    aggregateType: 'UnitOrder',
    aggregateId: 'o-1',
    version: 1,
    metadata: { correlationId: 'c', schemaVersion: schemaVersion as number },
    timestamp: new Date('2024-05-01T10:00:00Z'),
  };
}

describe('upcasting', () => {
  it('decodes a stored v1 under the old name into the current class, through every step', () => {
    const v1 = stored('UnitOrderPlaced', { customerId: 'c-1', total: 720 }, 1);
    const before = JSON.stringify(v1);
    const event = eventTypes.decode(v1) as OrderCreated;
    expect(event).toBeInstanceOf(OrderCreated);
    expect(event.orderTotal).toBeInstanceOf(Money);
    expect(event.orderTotal.plus(new Money(80, 'EUR'))).toEqual(new Money(800, 'EUR'));
    expect(event).toMatchObject({ customerId: 'c-1', placedAt: '2024-05-01T10:00:00.000Z' });
    // The stored event is read, never changed.
    expect(JSON.stringify(v1)).toBe(before);
  });

  it('starts at the stored version: a v2 goes through the last step only', () => {
    const event = eventTypes.decode(stored('UnitOrderCreated', { customerId: 'c-2', orderTotal: { amount: 5 } }, 2)) as OrderCreated;
    expect(event.orderTotal).toEqual(new Money(5, 'EUR'));
  });

  it('calls no upcaster for a current event', () => {
    const spy = jest.fn((v: { n: number }) => v);
    @Event('UnitCurrentOnly', { schemaVersion: 2, upcasters: upcast<{ n: number }>().to(2, spy) })
    class CurrentOnly {
      constructor(readonly n: number) {}
    }
    const event = eventTypes.decode(stored('UnitCurrentOnly', { n: 1 }, 2));
    expect(event).toEqual(new CurrentOnly(1));
    expect(spy).not.toHaveBeenCalled();
  });

  it('reads events without a schema version as version 1', () => {
    const event = eventTypes.decode({ ...stored('UnitOrderPlaced', { customerId: 'c-3', total: 1 }, 1), metadata: { correlationId: 'c' } } as unknown as StoredEvent);
    expect(event).toBeInstanceOf(OrderCreated);
  });

  it('refuses a newer version than the class, naming it and what to deploy', () => {
    const newer = stored('UnitOrderCreated', {}, 4);
    expect(() => eventTypes.decode(newer, 'in UnitOrder o-1')).toThrow(UnknownEventVersionError);
    expect(() => eventTypes.decode(newer, 'in UnitOrder o-1')).toThrow(
      /'UnitOrderCreated' in UnitOrder o-1 is stored at schema version 4, newer than this process knows \(version 3\).*schemaVersion: 4/,
    );
    // A subclass, so everything that treats an unknown type as undecodable treats this alike.
    expect(() => eventTypes.decode(newer)).toThrow(UnknownEventTypeError);
  });

  it('refuses an older version of a class with no upcasters, naming the upcasters to declare', () => {
    @Event('UnitNoUpcasters', { schemaVersion: 2 })
    class NoUpcasters {}
    expect(NoUpcasters).toBeDefined();
    expect(() => eventTypes.decode(stored('UnitNoUpcasters', {}, 1))).toThrow(
      /stored at schema version 1, and 'UnitNoUpcasters' \(version 2\) has no upcaster from it.*upcast<UnitNoUpcastersV1>\(\)\.to\(2, \(v1\) => \.\.\.\)/,
    );
    expect(() => eventTypes.decode(stored('UnitNoUpcasters', {}, 'x'))).toThrow(/schema version "x".*integers from 1/);
  });

  it('names the unknown type, and the alias to declare after a rename', () => {
    expect(() => eventTypes.decode(stored('UnitNeverDeclared', {}, 1))).toThrow(
      /Unknown event type 'UnitNeverDeclared'.*@Event\('UnitNeverDeclared'\).*aliases: \['UnitNeverDeclared'\]/,
    );
  });

  it('wraps an upcaster that throws, naming the step and the event', () => {
    @Event('UnitBrokenUpcaster', {
      schemaVersion: 2,
      upcasters: upcast<{ n: number }>().to(2, (): { n: number } => {
        throw new Error('no n');
      }),
    })
    class Broken {
      constructor(readonly n: number) {}
    }
    expect(Broken).toBeDefined();
    const failure = (() => {
      try {
        eventTypes.decode(stored('UnitBrokenUpcaster', {}, 1, 'e-9'));
      } catch (error) {
        return error;
      }
    })();
    expect(failure).toBeInstanceOf(UpcastFailedError);
    expect(String(failure)).toMatch(/'UnitBrokenUpcaster' from version 1 to 2 failed on event e-9 of UnitOrder 'o-1': no n/);
  });

  it('refuses upcasters that do not reach the schema version, or skip one', () => {
    expect(() => Event('UnitShortChain', { schemaVersion: 3, upcasters: upcast().to(2, (v) => v) })(class {})).toThrow(
      /schemaVersion is 3 but its upcasters end at version 2; the last step must be \.to\(3, \.\.\.\)/,
    );
    expect(() => upcast().to(3, (v) => v)).toThrow(InvalidDefinitionError);
    expect(() => upcast().to(3, (v) => v)).toThrow(/\.to\(3\) follows \.to\(1\).*\.to\(2\)/);
    expect(() => Event('UnitBadVersion', { schemaVersion: 0 })(class {})).toThrow(/schemaVersion must be an integer from 1/);
  });

  it('refuses an alias that another class has as its type name', () => {
    expect(() => Event('UnitThief', { aliases: ['UnitOrderCreated'] })(class Thief {})).toThrow(
      /alias "UnitOrderCreated" is already the type name of OrderCreated/,
    );
  });

  it('starts a chain at a later version when older ones were never stored', () => {
    @Event('UnitLateStart', { schemaVersion: 3, upcasters: upcast<{ a: number }>(2).to(3, (v2) => ({ b: v2.a })) })
    class LateStart {
      constructor(readonly b: number) {}
    }
    expect(eventTypes.decode(stored('UnitLateStart', { a: 4 }, 2))).toEqual(new LateStart(4));
    expect(() => eventTypes.decode(stored('UnitLateStart', { a: 4 }, 1))).toThrow(UnknownEventVersionError);
  });

  it('types the stored shape: a class check that passes compiles', () => {
    expect(Mismatched).toBeDefined();
  });
});
