import { Class } from '@eventloom/core/spi';
import { MySqlEventStore } from '@eventloom/mysql';

/** What the CLI gives a service module to build its subscribers with. */
export interface ServiceContext {
  /** The event store the CLI opened (--mysql, --table-prefix): e.g. for mysqlViews(store). */
  readonly store: MySqlEventStore;
}

/**
 * What an operator's `--service <module>` tells the CLI about a service: the
 * code that stored data alone cannot give. The module exports it as
 * `default` (or `service`), built with defineService.
 */
export interface EventloomService {
  /** Aggregate classes (@Aggregate): `inspect` shows their current state. */
  readonly aggregates?: readonly Class<object>[];
  /**
   * The service's subscribers (@EventSubscriber instances), built as the
   * service builds them but on the CLI's store: what `parked retry`,
   * `rebuild` and `replay` hand events to.
   */
  readonly subscribers?: (context: ServiceContext) => readonly object[] | Promise<readonly object[]>;
}

/** Declares a service for the `eventloom` CLI (typing only; the CLI reads the object). */
export function defineService(service: EventloomService): EventloomService {
  return service;
}
