import {
  Aggregate,
  AggregateRepository,
  Apply,
  CommandHandler,
  CommandRejectedError,
  Event,
  InvalidDefinitionError,
  MissingApplierError,
  MissingCommandHandlerError,
  Type,
} from '@eventloom/core';
import { InMemoryEventStore } from '@eventloom/in-memory';
import { given } from './aggregate-fixture';
import { FixtureFailure } from './fixture-failure';

class Line {
  constructor(
    readonly product: string,
    public quantity: number,
  ) {}
  /** Called by an applier: only a revived Line has it. */
  total(): number {
    return this.quantity;
  }
}

@Event('FixtureOrderPlaced')
class OrderPlaced {
  @Type(() => Line) readonly lines: Line[];
  constructor(lines: Line[]) {
    this.lines = lines;
  }
}
@Event('FixtureOrderCancelled')
class OrderCancelled {
  constructor(readonly reason: string) {}
}
/** Forgets @Type on its value object: after a store round trip, `line` is a plain object. */
@Event('FixtureOrderLineNoted')
class LineNoted {
  constructor(readonly line: Line) {}
}
@Event('FixtureOrderShipped')
class OrderShipped {}

class PlaceOrder {
  constructor(readonly lines: Line[]) {}
}
class CancelOrder {
  constructor(readonly reason: string) {}
}
class ShipOrder {}
class RefundOrder {}
class CheckStock {}
class Describe {}
class Wait {}
class CancelCarelessly {}
class CountCarelessly {}
class AddLineCarelessly {}
class NoteCarelessly {}
class TagCarelessly {}
class TouchCarelessly {}
class RejectCarelessly {}

@Aggregate('FixtureOrder')
class Order {
  state: 'NEW' | 'PLACED' | 'CANCELLED' = 'NEW';
  @Type(() => Line) lines: Line[] = [];
  items = 0;
  notes = new Map<string, string>();
  tags = new Set<string>();
  updatedAt = new Date(0);

  @CommandHandler(PlaceOrder) place(command: PlaceOrder) {
    return new OrderPlaced(command.lines);
  }
  @CommandHandler(CancelOrder) cancel(command: CancelOrder) {
    if (this.state === 'CANCELLED') throw new CommandRejectedError(`The order is already ${this.state}.`, 'ALREADY_CANCELLED');
    return new OrderCancelled(command.reason);
  }
  // Decides an event the aggregate has no applier for.
  @CommandHandler(ShipOrder) ship(_command: ShipOrder) {
    return new OrderShipped();
  }
  @CommandHandler(CheckStock) async checkStock(_command: CheckStock) {
    return new OrderCancelled('out of stock');
  }
  @CommandHandler(Describe) describe(_command: Describe) {
    return { summary: `${this.items} items` };
  }
  @CommandHandler(Wait) wait(_command: Wait) {
    return [];
  }
  @CommandHandler(CancelCarelessly) cancelCarelessly(_command: CancelCarelessly) {
    this.state = 'CANCELLED';
    return new OrderCancelled('careless');
  }
  @CommandHandler(CountCarelessly) countCarelessly(_command: CountCarelessly) {
    this.lines[0].quantity++;
    return [];
  }
  @CommandHandler(AddLineCarelessly) addLineCarelessly(_command: AddLineCarelessly) {
    this.lines.push(new Line('extra', 1));
    return [];
  }
  @CommandHandler(NoteCarelessly) noteCarelessly(_command: NoteCarelessly) {
    this.notes.set('gift', 'wrap it');
    return [];
  }
  @CommandHandler(TagCarelessly) tagCarelessly(_command: TagCarelessly) {
    this.tags.add('urgent');
    return [];
  }
  @CommandHandler(TouchCarelessly) touchCarelessly(_command: TouchCarelessly) {
    this.updatedAt.setTime(1000);
    return [];
  }
  @CommandHandler(RejectCarelessly) rejectCarelessly(_command: RejectCarelessly) {
    this.state = 'CANCELLED';
    throw new CommandRejectedError('No.');
  }

  @Apply(OrderPlaced) placed(event: OrderPlaced) {
    this.state = 'PLACED';
    this.lines = event.lines;
    this.items = event.lines.reduce((sum, line) => sum + line.total(), 0);
    this.notes.set('placed', 'yes');
  }
  @Apply(LineNoted) lineNoted(event: LineNoted) {
    this.items += event.line.total();
  }
  @Apply(OrderCancelled) cancelled(_event: OrderCancelled) {
    this.state = 'CANCELLED';
  }
}

const placed = new OrderPlaced([new Line('tea', 2), new Line('cake', 1)]);

/** The message of the error `run` throws; fails the test if it throws none. */
function failureOf(run: () => unknown): FixtureFailure {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(FixtureFailure);
    return error as FixtureFailure;
  }
  throw new Error('Expected the fixture to fail, but it passed.');
}

/** What the repository says about the same command, to show the fixture fails as the application would. */
async function runTimeError(history: object[], command: object): Promise<Error> {
  const repository = new AggregateRepository(new InMemoryEventStore());
  try {
    if (history.length === 0) {
      await repository.create(Order, command);
    } else {
      const { id } = await repository.create(Order, new PlaceOrder((history[0] as OrderPlaced).lines));
      await repository.update(Order, id, command);
    }
  } catch (error) {
    return error as Error;
  }
  throw new Error('Expected the repository to refuse the command.');
}

describe('given/when/then for aggregates', () => {
  describe('passes', () => {
    it('when the command decides the expected events, and returns the aggregate with them applied', () => {
      const order = given(Order, [placed]).when(new CancelOrder('changed my mind')).then([new OrderCancelled('changed my mind')]);
      expect(order.state).toBe('CANCELLED');
    });

    it('folds the given events as read back from the store: nested value objects are revived', () => {
      // The applier calls Line.total(), which a plain object from JSON would not have.
      expect(given(Order, [placed]).aggregate.items).toBe(3);
    });

    it('creates from no history', () => {
      const order = given(Order).when(new PlaceOrder([new Line('tea', 4)])).then([new OrderPlaced([new Line('tea', 4)])]);
      expect(order.items).toBe(4);
    });

    it('when the command is refused as expected, and hands back the error', () => {
      const error = given(Order, [placed, new OrderCancelled('first')])
        .when(new CancelOrder('again'))
        .thenError(CommandRejectedError, /already CANCELLED/);
      expect(error.code).toBe('ALREADY_CANCELLED');
      given(Order, [placed, new OrderCancelled('first')]).when(new CancelOrder('again')).thenError(CommandRejectedError, 'already');
    });
  });

  describe('fails when a command handler changes state, naming what changed', () => {
    it('a field', () => {
      expect(failureOf(() => given(Order, [placed]).when(new CancelCarelessly()).then([new OrderCancelled('careless')])).message).toBe(
        `FixtureOrder's command handler for CancelCarelessly changed state: 'state' was "PLACED", is "CANCELLED". ` +
          'Command handlers decide events; change state in an @Apply method.',
      );
    });

    it('a field of a value object in an array', () => {
      expect(failureOf(() => given(Order, [placed]).when(new CountCarelessly()).then([])).message).toMatch(
        /command handler for CountCarelessly changed state: 'lines\[0\]\.quantity' was 2, is 3\./,
      );
    });

    it('an array that grew', () => {
      expect(failureOf(() => given(Order, [placed]).when(new AddLineCarelessly()).then([])).message).toMatch(
        /'lines' was \[ Line \{ product: 'tea', quantity: 2 \}, Line \{ product: 'cake', quantity: 1 \} \], is \[ .*'extra'.* \]\./,
      );
    });

    it('a Map, a Set and a Date', () => {
      expect(failureOf(() => given(Order, [placed]).when(new NoteCarelessly()).then([])).message).toMatch(
        /'notes' was Map\(1\) \{ 'placed' => 'yes' \}, is Map\(2\)/,
      );
      expect(failureOf(() => given(Order, [placed]).when(new TagCarelessly()).then([])).message).toMatch(
        /'tags' was Set\(0\) \{\}, is Set\(1\) \{ 'urgent' \}/,
      );
      expect(failureOf(() => given(Order, [placed]).when(new TouchCarelessly()).then([])).message).toMatch(
        /'updatedAt' was 1970-01-01T00:00:00\.000Z, is 1970-01-01T00:00:01\.000Z/,
      );
    });

    it('even when the handler then refuses the command', () => {
      expect(failureOf(() => given(Order, [placed]).when(new RejectCarelessly()).thenError(CommandRejectedError)).message).toMatch(
        /command handler for RejectCarelessly changed state: 'state' was "PLACED", is "CANCELLED"/,
      );
    });
  });

  describe('thenError fails', () => {
    it('when the command succeeded, listing the events it decided', () => {
      expect(failureOf(() => given(Order, [placed]).when(new CancelOrder('x')).thenError(CommandRejectedError)).message).toBe(
        'Expected CancelOrder to fail with CommandRejectedError, but it succeeded with events [FixtureOrderCancelled {"reason":"x"}]',
      );
    });

    it('when the command succeeded deciding nothing', () => {
      expect(failureOf(() => given(Order, [placed]).when(new Wait()).thenError(CommandRejectedError)).message).toBe(
        'Expected Wait to fail with CommandRejectedError, but it succeeded with no events',
      );
    });

    it('when another error came, naming both', () => {
      const failure = failureOf(() => given(Order, [placed]).when(new ShipOrder()).thenError(CommandRejectedError));
      expect(failure.message).toBe(
        "Expected ShipOrder to fail with CommandRejectedError, but it failed with MissingApplierError: FixtureOrder has no applier for event 'FixtureOrderShipped'. " +
          'Add a method decorated with @Apply(FixtureOrderShipped) to the aggregate class.',
      );
      expect(failure.cause).toBeInstanceOf(MissingApplierError);
    });

    it('when the message does not match', () => {
      const given2 = () => given(Order, [placed, new OrderCancelled('first')]).when(new CancelOrder('again'));
      expect(failureOf(() => given2().thenError(CommandRejectedError, /out of stock/)).message).toBe(
        'Expected CancelOrder to fail with CommandRejectedError matching /out of stock/, but its message was "The order is already CANCELLED."',
      );
      expect(failureOf(() => given2().thenError(CommandRejectedError, 'out of stock')).message).toBe(
        'Expected CancelOrder to fail with CommandRejectedError containing "out of stock", but its message was "The order is already CANCELLED."',
      );
    });
  });

  describe('then fails', () => {
    it('on other events, showing both lists and the first difference', () => {
      expect(failureOf(() => given(Order, [placed]).when(new CancelOrder('x')).then([new OrderCancelled('y')])).message).toBe(
        'Expected CancelOrder to decide [FixtureOrderCancelled {"reason":"y"}], but it decided [FixtureOrderCancelled {"reason":"x"}] ' +
          '(event #1 differs: expected FixtureOrderCancelled {"reason":"y"}, got FixtureOrderCancelled {"reason":"x"}).',
      );
      expect(failureOf(() => given(Order, [placed]).when(new CancelOrder('x')).then([])).message).toBe(
        'Expected CancelOrder to decide [], but it decided [FixtureOrderCancelled {"reason":"x"}] (1 events instead of 0).',
      );
    });

    it('when the command was refused, naming the error', () => {
      const failure = failureOf(() =>
        given(Order, [placed, new OrderCancelled('first')]).when(new CancelOrder('again')).then([new OrderCancelled('again')]),
      );
      expect(failure.message).toBe(
        'Expected CancelOrder to decide [FixtureOrderCancelled {"reason":"again"}], but it failed with CommandRejectedError: The order is already CANCELLED.',
      );
      expect(failure.cause).toBeInstanceOf(CommandRejectedError);
    });
  });

  describe('fails with the errors the application meets', () => {
    const cases: Array<[string, object[], object, new (...args: never[]) => Error, RegExp]> = [
      ['an asynchronous command handler', [placed], new CheckStock(), InvalidDefinitionError, /FixtureOrder\.checkStock returned a Promise/],
      ['a decided event with no applier', [placed], new ShipOrder(), MissingApplierError, /no applier for event 'FixtureOrderShipped'/],
      ['a command with no handler', [placed], new RefundOrder(), MissingCommandHandlerError, /@CommandHandler\(RefundOrder\)/],
      ['a handler returning something that is not an event', [placed], new Describe(), InvalidDefinitionError, /returned an instance of Object, which is not an event/],
      ['a creation that decides nothing', [], new Wait(), InvalidDefinitionError, /returned no events, so there is nothing to create/],
    ];

    it.each(cases)('%s', async (_name, history, command, errorClass, message) => {
      const expected = await runTimeError(history, command);
      expect(expected).toBeInstanceOf(errorClass);
      expect(expected.message).toMatch(message);
      const failure = failureOf(() => given(Order, history).when(command).then([]));
      expect(failure.message).toBe(`Expected ${command.constructor.name} to decide [], but it failed with ${errorClass.name}: ${expected.message}`);
      expect(given(Order, history).when(command).thenError(errorClass as never).message).toBe(expected.message);
    });

    it('a given event with no applier', () => {
      expect(failureOf(() => given(Order, [placed, new OrderShipped()])).message).toBe(
        "Could not apply given event #2 to FixtureOrder: MissingApplierError: FixtureOrder has no applier for event 'FixtureOrderShipped'. " +
          'Add a method decorated with @Apply(FixtureOrderShipped) to the aggregate class.',
      );
    });

    it('a given event that does not survive the store: a value object without @Type', () => {
      expect(failureOf(() => given(Order, [placed, new LineNoted(new Line('tea', 1))])).message).toMatch(
        /^Could not apply given event #2 to FixtureOrder: TypeError: .*total is not a function/,
      );
    });

    it('a given object that is not an event', () => {
      expect(failureOf(() => given(Order, [new PlaceOrder([])])).message).toMatch(
        /^Could not apply given event #1 to FixtureOrder: InvalidDefinitionError: PlaceOrder is not an event class/,
      );
    });
  });
});
