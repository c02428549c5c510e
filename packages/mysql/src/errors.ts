import { ConfigurationError, EventloomError } from '@eventloom/core';

/** The server did not answer: down, still starting, wrong host or port, or a firewall. */
export class MySqlUnreachableError extends EventloomError {
  override readonly retriable = true;

  constructor(
    readonly host: string,
    readonly port: number,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      `MySQL at ${host}:${port} is unreachable (${detail}). ` +
        'Check that the server is running and that host and port in the URL are right.',
      options,
    );
  }
}

/** The event store tables are missing or older than this version of @eventloom/mysql expects. */
export class MySqlSchemaMissingError extends EventloomError {
  constructor(
    readonly database: string,
    readonly tablePrefix: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    const prefixFlag = tablePrefix ? ` --table-prefix ${tablePrefix}` : '';
    const prefixOption = tablePrefix ? `, { tablePrefix: '${tablePrefix}' }` : '';
    super(
      `The Eventloom schema in database '${database}' is not set up: ${detail}. ` +
        `Run \`npx eventloom migrate --mysql <url>${prefixFlag}\`, or call migrate(url${prefixOption}) from @eventloom/mysql at start-up.`,
      options,
    );
  }
}

/** The database named in the URL does not exist on the server. */
export class MySqlDatabaseMissingError extends EventloomError {
  constructor(
    readonly database: string,
    readonly host: string,
    readonly port: number,
    options?: { cause?: unknown },
  ) {
    super(
      `Database '${database}' does not exist on ${host}:${port}. ` +
        'Create it, e.g. with createDatabaseIfMissing(url) or `npx eventloom migrate --mysql <url> --create-database`.',
      options,
    );
  }
}

/** A bad URL, table prefix or option: fix the configuration, retrying cannot help. */
export class MySqlConfigError extends ConfigurationError {}

/**
 * The connection died during an append. Before COMMIT was sent nothing was
 * written; during COMMIT the outcome is unknown, so reload before deciding again.
 */
export class MySqlConnectionLostError extends EventloomError {
  override readonly retriable = true;

  constructor(
    readonly aggregateType: string,
    readonly aggregateId: string,
    readonly outcomeUnknown: boolean,
    options?: { cause?: unknown },
  ) {
    super(
      `The MySQL connection was lost while appending to ${aggregateType} '${aggregateId}'` +
        (outcomeUnknown
          ? ' during COMMIT: the events may or may not be stored. Reload the aggregate before retrying.'
          : ' before COMMIT: nothing was written. Retry the command.'),
      options,
    );
  }
}

/** The publisher lost its lock (or its lock connection) while leading. Another instance takes over. */
export class LeadershipLostError extends EventloomError {
  override readonly retriable = true;
}

/** The events table is not as the publisher left it: something else gives positions. */
export class SequencerConflictError extends EventloomError {}
