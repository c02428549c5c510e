import { Aggregate, Apply, Event, CommandHandler } from '@eventloom/core';

/** A test aggregate whose one command can emit many events, to build long histories quickly. */
@Event('MySqlTestLedgerOpened')
export class LedgerOpened {
  constructor(readonly owner: string) {}
}

@Event('MySqlTestEntryPosted')
export class EntryPosted {
  constructor(readonly amount: number) {}
}

export class OpenLedger {
  constructor(readonly owner: string) {}
}

export class PostEntries {
  constructor(readonly count: number) {}
}

@Aggregate('MySqlTestLedger')
export class Ledger {
  owner = '';
  entries = 0;
  balance = 0;

  @CommandHandler(OpenLedger)
  open(command: OpenLedger) {
    return new LedgerOpened(command.owner);
  }

  @CommandHandler(PostEntries)
  post(command: PostEntries) {
    return Array.from({ length: command.count }, () => new EntryPosted(1));
  }

  @Apply(LedgerOpened)
  opened(event: LedgerOpened) {
    this.owner = event.owner;
  }

  @Apply(EntryPosted)
  posted(event: EntryPosted) {
    this.entries++;
    this.balance += event.amount;
  }
}
