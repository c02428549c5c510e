import { parseArgs } from 'node:util';
import { createDatabaseIfMissing, MYSQL_URL_ENV, parseMySqlUrl, redactUrl, resolveMySqlUrl, waitForMySql } from '../connection';
import { migrate } from '../schema/migrations';
import { CliCommand, CliUsageError } from './cli-command';

export const migrateCommand: CliCommand = {
  summary: 'create or upgrade the event store tables in a MySQL/MariaDB database',
  usage:
    'eventloom migrate --mysql <url> [--table-prefix <prefix>] [--create-database] [--wait-ms <ms>]\n' +
    `  <url>: mysql://user:password@host:3306/database (default: $${MYSQL_URL_ENV})\n` +
    '  --create-database: create the database first when it does not exist\n' +
    '  --wait-ms: keep retrying an unreachable server this long (default 0)',
  async run(args, io) {
    let values;
    try {
      ({ values } = parseArgs({
        args,
        options: {
          mysql: { type: 'string' },
          'table-prefix': { type: 'string', default: '' },
          'create-database': { type: 'boolean', default: false },
          'wait-ms': { type: 'string', default: '0' },
        },
        strict: true,
        allowPositionals: false,
      }));
    } catch (error) {
      throw new CliUsageError((error as Error).message);
    }
    if (!values.mysql && !process.env[MYSQL_URL_ENV]) throw new CliUsageError(`--mysql <url> is required (or set $${MYSQL_URL_ENV}).`);
    const waitMs = Number(values['wait-ms']);
    if (!Number.isInteger(waitMs) || waitMs < 0) throw new CliUsageError(`--wait-ms must be a whole number of milliseconds, got '${values['wait-ms']}'.`);
    const url = resolveMySqlUrl(values.mysql);
    const prefix = values['table-prefix'] ?? '';
    if (waitMs > 0) await waitForMySql({ ...parseMySqlUrl(url), database: undefined }, waitMs);
    if (values['create-database'] && (await createDatabaseIfMissing(url))) {
      io.out(`Created database '${parseMySqlUrl(url).database}'.`);
    }
    const result = await migrate(url, { tablePrefix: prefix });
    const where = `${redactUrl(url)}${prefix ? ` (table prefix '${prefix}')` : ''}`;
    io.out(
      result.applied.length > 0
        ? `Migrated ${where} to schema version ${result.version} (applied ${result.applied.join(', ')}).`
        : `${where} is already at schema version ${result.version}.`,
    );
    return 0;
  },
};
