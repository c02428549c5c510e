import { Eventloom, Messaging, MessagingBackend, MessagingOptions, SagaStatus } from '@eventloom/core';
import { Message } from '@eventloom/core';
import { messageToEvent, OutboxStore, ReceivedMessages, SagaInstance, SagaInstanceStore } from '@eventloom/core/spi';
import { ConfigurationError, DuplicateSagaError } from '@eventloom/core';
import { InMemoryEventStore } from './in-memory-event-store';
import { InMemoryTable } from './in-memory-table';
import { InMemoryTransaction, InMemoryTransactions } from './in-memory-transactions';

/** The outbox of the embedded store: messages join its publication when their transaction commits. */
export class InMemoryOutboxStore implements OutboxStore<InMemoryTransaction> {
  constructor(private readonly store: InMemoryEventStore) {}

  async append(tx: InMemoryTransaction, messages: readonly Message[]): Promise<void> {
    const entries = messages.map((m) => messageToEvent(m, new Date()));
    tx.onCommit(() => this.store.publishMessages(entries));
  }
}

export class InMemoryReceivedMessages implements ReceivedMessages<InMemoryTransaction> {
  private readonly received = new InMemoryTable<true>();

  async markReceived(tx: InMemoryTransaction, consumerId: string, messageId: string): Promise<boolean> {
    const key = `${consumerId}\u0000${messageId}`;
    if (await this.received.lock(tx, key)) return false;
    this.received.put(tx, key, true);
    return true;
  }
}

export class InMemorySagaInstances implements SagaInstanceStore<InMemoryTransaction> {
  private readonly table = new InMemoryTable<SagaInstance>();

  async insert(tx: InMemoryTransaction, instance: SagaInstance): Promise<void> {
    if (await this.table.lock(tx, key(instance.sagaType, instance.sagaId))) {
      throw new DuplicateSagaError(instance.sagaType, instance.sagaId);
    }
    this.table.put(tx, key(instance.sagaType, instance.sagaId), instance);
  }

  lock(tx: InMemoryTransaction, sagaType: string, sagaId: string): Promise<SagaInstance | undefined> {
    return this.table.lock(tx, key(sagaType, sagaId));
  }

  async update(tx: InMemoryTransaction, instance: SagaInstance): Promise<void> {
    this.table.put(tx, key(instance.sagaType, instance.sagaId), instance);
  }

  async find(sagaType: string, sagaId: string): Promise<SagaInstance | undefined> {
    return this.table.get(key(sagaType, sagaId));
  }

  async list(sagaType: string, status?: SagaStatus): Promise<SagaInstance[]> {
    return this.table.values().filter((i) => i.sagaType === sagaType && (status === undefined || i.status === status));
  }

  async due(sagaType: string, now: Date, limit: number): Promise<string[]> {
    return this.table
      .values()
      .filter((i) => i.sagaType === sagaType && i.status === 'RUNNING' && i.deadline && i.deadline <= now)
      .sort((a, b) => a.deadline!.getTime() - b.deadline!.getTime())
      .slice(0, limit)
      .map((i) => i.sagaId);
  }
}

function key(sagaType: string, sagaId: string): string {
  return `${sagaType}\u0000${sagaId}`;
}

/** Messaging and sagas in memory, publishing through the embedded store (lost on restart, like it). */
export function inMemoryMessagingBackend(store: InMemoryEventStore): MessagingBackend<InMemoryTransaction> {
  return {
    transactions: new InMemoryTransactions(),
    outbox: new InMemoryOutboxStore(store),
    received: new InMemoryReceivedMessages(),
    sagaInstances: new InMemorySagaInstances(),
  };
}

/** Command/reply messaging and sagas for an embeddedEventloom(). */
export function embeddedMessaging(eventloom: Eventloom, options: Omit<MessagingOptions<InMemoryTransaction>, 'eventloom' | 'backend'> = {}): Messaging<InMemoryTransaction> {
  if (!(eventloom.eventStore instanceof InMemoryEventStore)) {
    throw new ConfigurationError('embeddedMessaging needs an embeddedEventloom() (an InMemoryEventStore); on MySQL use mysqlMessaging.');
  }
  return new Messaging({ ...options, eventloom, backend: inMemoryMessagingBackend(eventloom.eventStore) });
}
