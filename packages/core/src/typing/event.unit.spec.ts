import { Type } from 'class-transformer';
import { Event, eventTypes } from './event';
import { InvalidDefinitionError, UnknownEventTypeError } from '../errors';

class Address {
  constructor(
    readonly street: string,
    readonly city: string,
  ) {}
  label(): string {
    return `${this.street}, ${this.city}`;
  }
}

@Event('UnitCustomerMoved')
class CustomerMoved {
  @Type(() => Address) readonly to: Address;
  @Type(() => Address) readonly previous: Address[];
  constructor(to: Address, previous: Address[]) {
    this.to = to;
    this.previous = previous;
  }
}

describe('event types', () => {
  it('round-trips nested value objects through JSON as real instances', () => {
    const json = eventTypes.serialize(new CustomerMoved(new Address('1 Main St', 'Oslo'), [new Address('2 Side St', 'Bergen')]));
    const revived = eventTypes.deserialize('UnitCustomerMoved', json) as CustomerMoved;
    expect(revived).toBeInstanceOf(CustomerMoved);
    expect(revived.to.label()).toBe('1 Main St, Oslo');
    expect(revived.previous[0].label()).toBe('2 Side St, Bergen');
  });

  it('names an unknown type and says how to declare it', () => {
    expect(() => eventTypes.deserialize('NoSuchThing', '{}', 'in Order 42')).toThrow(UnknownEventTypeError);
    expect(() => eventTypes.deserialize('NoSuchThing', '{}', 'in Order 42')).toThrow(/'NoSuchThing' in Order 42.*@Event\('NoSuchThing'\)/);
  });

  it('refuses two classes under one type name', () => {
    expect(() => {
      @Event('UnitCustomerMoved')
      class Impostor {}
      return Impostor;
    }).toThrow(InvalidDefinitionError);
  });

  it('refuses to store an instance of an undecorated class', () => {
    class NotAnEvent {}
    expect(() => eventTypes.typeOfInstance(new NotAnEvent())).toThrow(/@Event\('NotAnEvent'\)/);
  });
});

@Event('UnitPlainNoted')
class Noted {
  constructor(readonly text: string, readonly tags: string[]) {}
  shout(): string {
    return this.text.toUpperCase();
  }
}

describe('plain event classes (no class-transformer decorators)', () => {
  it('round-trip as instances of their class', () => {
    const revived = eventTypes.deserialize('UnitPlainNoted', eventTypes.serialize(new Noted('hi', ['a']))) as Noted;
    expect(revived).toBeInstanceOf(Noted);
    expect(revived.shout()).toBe('HI');
    expect(revived.tags).toEqual(['a']);
  });
});
