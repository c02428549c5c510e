import { PoolConnection } from 'mysql2/promise';
import { Aggregate, Apply, Command, CommandContext, CommandHandler, CommandHandlers, Event, Eventloom, HandlesCommand, Message, Replies, Reply, ReplyHeaders, silentLogger } from '@eventloom/core';
import { commandMessage } from '@eventloom/core/spi';
import { eventually } from '@eventloom/testing';
import { createTestDatabase, TestDatabase } from '@eventloom/test-support';
import { MySqlEventStore } from '../mysql-event-store';
import { MySqlDeadLetterStore } from '../deadLetters/mysql-dead-letter-store';
import { mysqlInProcessTransport } from '../publication/in-process-transport';
import { mysqlMessaging } from './mysql-messaging';

@Event('PoolTestCoinsSpent')
class CoinsSpent {
  constructor(readonly coins: number) {}
}

class SpendCoins {
  constructor(readonly coins: number) {}
}

class OpenPurse {}

@Event('PoolTestPurseOpened')
class PurseOpened {}

@Aggregate('PoolTestPurse')
class Purse {
  spent = 0;
  @CommandHandler(OpenPurse)
  open() {
    return new PurseOpened();
  }
  @Apply(PurseOpened)
  opened() {}
  @CommandHandler(SpendCoins)
  spend(command: SpendCoins) {
    return new CoinsSpent(command.coins);
  }
  @Apply(CoinsSpent)
  spentCoins(event: CoinsSpent) {
    this.spent += event.coins;
  }
}

@Reply('PoolTestCoinsSpentReply')
class CoinsSpentReply {
  constructor(readonly spent: number) {}
}

@Command('PoolTestSpendCoinsCommand')
class SpendCoinsCommand {
  declare readonly replies?: Replies<CoinsSpentReply>;
  constructor(
    readonly purseId: string,
    readonly coins: number,
  ) {}
}

@CommandHandlers('poolTestPurses')
class PurseCommandHandlers {
  @HandlesCommand(SpendCoinsCommand)
  async spend(ctx: CommandContext<SpendCoinsCommand, PoolConnection>) {
    // The aggregate is updated while the handler's transaction holds a connection: two at once per command.
    const { aggregate } = await ctx.update(Purse, ctx.command.purseId, new SpendCoins(ctx.command.coins));
    return ctx.success(new CoinsSpentReply(aggregate.spent));
  }
}

describe('Command handlers that update aggregates, on a small connection pool', () => {
  let database: TestDatabase;
  afterEach(() => database?.drop());

  it('answers every one of many concurrent commands (a handler never waits for a connection it holds)', async () => {
    database = await createTestDatabase('command_pool', { migrated: true });
    const store = new MySqlEventStore({ url: database.url, poolSize: 3 });
    const { transport } = await mysqlInProcessTransport(store, { pollIntervalMs: 1, logger: silentLogger });
    const eventloom = new Eventloom({ eventStore: store, transport, deadLetters: MySqlDeadLetterStore.of(store), logger: silentLogger });
    const messaging = mysqlMessaging(eventloom, { logger: silentLogger });
    try {
      for (let i = 0; i < 8; i++) await eventloom.repository.create(Purse, new OpenPurse(), { id: `purse-${i}` });
      await messaging.handleCommands(new PurseCommandHandlers());
      const replies: Message[] = [];
      await messaging.consume('poolTestReplies', 'poolTestReplies-collector', async (m) => void replies.push(m));
      const commands = Array.from({ length: 40 }, (_, i) => commandMessage('poolTestPurses', new SpendCoinsCommand(`purse-${i % 8}`, 1), { replyTo: 'poolTestReplies' }));
      await messaging.transaction((tx) => messaging.outbox.write(tx, commands));
      await eventually(() => replies.length === 40, 'a reply to every command', 30_000);
      const [[row]] = await database.pool.query<any[]>("SELECT COUNT(*) AS n FROM events WHERE event_type = 'PoolTestCoinsSpent'");
      expect(Number(row.n)).toBe(40);
      expect(replies.map((r) => r.headers[ReplyHeaders.REPLY_OUTCOME])).toEqual(Array(40).fill('SUCCESS'));
      expect((await eventloom.repository.find(Purse, 'purse-0')).aggregate.spent).toBe(5);
    } finally {
      await messaging.close();
      await eventloom.close();
    }
  });
});
