import { AggregateRepository } from '@eventloom/core';
import { MySqlEventStore } from '@eventloom/mysql';
import { Account, Deposit, OpenAccount } from '../support/model';
import { withDatabase } from '../support/mysql';

/**
 * Not part of `npm run bench`: the Eventloom side of mysql-update alone, for a
 * profile (`node --cpu-prof dist/mysql/profile-update.js`).
 */
void withDatabase('profile_update', async (db) => {
  const store = new MySqlEventStore({ url: db.url });
  await store.ready();
  const repository = new AggregateRepository(store);
  const ids: string[] = [];
  for (let i = 0; i < 1600; i++) ids.push((await repository.create(Account, new OpenAccount('o', 4))).id);
  const until = Date.now() + Number(process.env.SECONDS ?? 8) * 1000;
  let updates = 0;
  await Promise.all(
    Array.from({ length: 8 }, async (_, caller) => {
      for (let i = 0; Date.now() < until; i++) {
        await repository.update(Account, ids[caller * 200 + (i % 200)], new Deposit(1));
        updates++;
      }
    }),
  );
  console.log(`${updates} updates`);
  await store.close();
});
