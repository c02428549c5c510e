import { given } from '@eventloom/testing';
import { Money } from '../shared/money';
import { Customer } from './customer.aggregate';
import { CreateCustomer, ReleaseCredit, ReserveCredit } from './customer.commands';
import { CustomerCreated, CustomerCreditLimitExceeded, CustomerCreditReleased, CustomerCreditReserved } from './customer.events';

// #region given-when-then
const fred = new CustomerCreated('Fred', new Money(1000));
// #endregion given-when-then

describe('Customer', () => {
  it('is created with a credit limit', () => {
    given(Customer).when(new CreateCustomer('Fred', new Money(1000))).then([fred]);
  });

  it('reserves credit that fits', () => {
    const customer = given(Customer, [fred]).when(new ReserveCredit('o-1', new Money(720))).then([new CustomerCreditReserved('o-1', new Money(720))]);
    expect(customer.availableCredit()).toEqual(new Money(280));
  });

  it('refuses credit beyond what is left, naming what is available', () => {
    // #region given-when-then
    given(Customer, [fred, new CustomerCreditReserved('o-1', new Money(720))])
      .when(new ReserveCredit('o-2', new Money(500)))
      .then([new CustomerCreditLimitExceeded('o-2', new Money(500), new Money(280))]);
    // #endregion given-when-then
  });

  it('reserves once per order', () => {
    given(Customer, [fred, new CustomerCreditReserved('o-1', new Money(720))]).when(new ReserveCredit('o-1', new Money(720))).then([]);
  });

  it('releases what an order held', () => {
    const customer = given(Customer, [fred, new CustomerCreditReserved('o-1', new Money(720))])
      .when(new ReleaseCredit('o-1'))
      .then([new CustomerCreditReleased('o-1', new Money(720))]);
    expect(customer.availableCredit()).toEqual(new Money(1000));
  });

  it('holds nothing for an order whose credit was already released', () => {
    given(Customer, [fred, new CustomerCreditReleased('o-1', new Money(0))]).when(new ReserveCredit('o-1', new Money(10))).then([]);
  });
});
