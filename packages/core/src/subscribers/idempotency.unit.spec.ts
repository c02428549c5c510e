import 'reflect-metadata';
import { Aggregate, Apply, Event, EventContext, EventHandlerMethod, EventSubscriber, CommandHandler, silentLogger } from '@eventloom/core';
import { embeddedEventloom } from '@eventloom/in-memory';
import { deliver } from '@eventloom/testing';

@Event('RvPinged') class Pinged { constructor(readonly n: number) {} }
@Event('RvAdded') class Added { constructor(readonly amount: number) {} }
class Ping { constructor(readonly n: number) {} }
class Add { constructor(readonly amount: number) {} }
class Open { constructor(readonly amount: number) {} }

@Aggregate('RvSource') class Source {
  @CommandHandler(Ping) ping(c: Ping) { return new Pinged(c.n); }
  @Apply(Pinged) pinged(_e: Pinged) {}
}
@Aggregate('RvAccount') class Account {
  total = 0;
  @CommandHandler(Open) open(c: Open) { return new Added(c.amount); }
  @CommandHandler(Add) add(c: Add) { return new Added(c.amount); }
  @Apply(Added) added(e: Added) { this.total += e.amount; }
}

describe('idempotency by triggering event', () => {
  it('a handler that sends two commands to one aggregate gets both applied', async () => {
    const loom = embeddedEventloom({ logger: silentLogger });
    const account = await loom.repository.create(Account, new Open(0));
    @EventSubscriber('rvTwoUpdates') class TwoUpdates {
      @EventHandlerMethod(Pinged) async on(ctx: EventContext<Pinged>) {
        await ctx.update(Account, account.id, new Add(1));
        await ctx.update(Account, account.id, new Add(10));
      }
    }
    await loom.subscribe(new TwoUpdates());
    await loom.repository.create(Source, new Ping(1));
    await loom.caughtUp();
    expect((await loom.repository.find(Account, account.id)).aggregate.total).toBe(11);
    await loom.close();
  });

  it('a handler that creates two aggregates of one class gets two aggregates', async () => {
    const loom = embeddedEventloom({ logger: silentLogger });
    const ids: string[] = [];
    @EventSubscriber('rvTwoCreates') class TwoCreates {
      @EventHandlerMethod(Pinged) async on(ctx: EventContext<Pinged>) {
        ids.push((await ctx.create(Account, new Open(1))).id);
        ids.push((await ctx.create(Account, new Open(2))).id);
      }
    }
    await loom.subscribe(new TwoCreates());
    await loom.repository.create(Source, new Ping(1));
    await loom.caughtUp();
    expect(new Set(ids).size).toBe(2);
    await loom.close();
  });

  it('two subscribers that update one aggregate on the same event both take effect', async () => {
    const loom = embeddedEventloom({ logger: silentLogger });
    const account = await loom.repository.create(Account, new Open(0));
    @EventSubscriber('rvSubA') class A { @EventHandlerMethod(Pinged) async on(ctx: EventContext<Pinged>) { await ctx.update(Account, account.id, new Add(1)); } }
    @EventSubscriber('rvSubB') class B { @EventHandlerMethod(Pinged) async on(ctx: EventContext<Pinged>) { await ctx.update(Account, account.id, new Add(10)); } }
    await loom.subscribe(new A());
    await loom.subscribe(new B());
    await loom.repository.create(Source, new Ping(1));
    await loom.caughtUp();
    expect((await loom.repository.find(Account, account.id)).aggregate.total).toBe(11);
    await loom.close();
  });

  it('a handler run again for the same event changes nothing more, its commands and creates included', async () => {
    const loom = embeddedEventloom({ logger: silentLogger });
    const account = await loom.repository.create(Account, new Open(0));
    const created: string[] = [];
    @EventSubscriber('rvRedelivered') class Twice {
      @EventHandlerMethod(Pinged) async on(ctx: EventContext<Pinged>) {
        await ctx.update(Account, account.id, new Add(1));
        await ctx.update(Account, account.id, new Add(10));
        created.push((await ctx.create(Account, new Open(5))).id);
      }
    }
    const handler = new Twice();
    await deliver(handler, new Pinged(1), { eventId: 'event-42', repository: loom.repository });
    await deliver(handler, new Pinged(1), { eventId: 'event-42', repository: loom.repository });
    const found = await loom.repository.find(Account, account.id);
    expect(found.aggregate.total).toBe(11);
    expect(found.version).toBe(3);
    expect(created[0]).toBe(created[1]);
    expect((await loom.repository.find(Account, created[0])).version).toBe(1);
    await loom.close();
  });
});
