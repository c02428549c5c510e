import { Command } from 'commander';
import { createDatabaseIfMissing, migrate, MYSQL_URL_ENV, parseMySqlUrl, redactUrl, resolveMySqlUrl, waitForMySql } from '@eventloom/mysql';
import { CliUsageError } from '../operator/cli-errors';
import { CliIo } from '../operator/cli-io';
import { wholeNumber } from '../operator/operator-context';
import { print } from '../output/print';

export function migrateCommand(io: CliIo): Command {
  return new Command('migrate')
    .description('create or upgrade the event store tables in a MySQL/MariaDB database (safe to run twice)')
    .option('--mysql <url>', `mysql://user:password@host:3306/database (default: $${MYSQL_URL_ENV})`)
    .option('--table-prefix <prefix>', 'prefix of the Eventloom tables', '')
    .option('--create-database', 'create the database first when it does not exist')
    .option('--wait-ms <ms>', 'keep retrying an unreachable server this long', '0')
    .option('--json', 'print JSON for scripts')
    .action(async (options: { mysql?: string; tablePrefix: string; createDatabase?: boolean; waitMs: string; json?: boolean }) => {
      if (!options.mysql && !process.env[MYSQL_URL_ENV]) throw new CliUsageError(`--mysql <url> is required (or set $${MYSQL_URL_ENV}).`);
      const waitMs = wholeNumber('--wait-ms', options.waitMs);
      const url = resolveMySqlUrl(options.mysql);
      if (waitMs > 0) await waitForMySql({ ...parseMySqlUrl(url), database: undefined }, waitMs);
      const createdDatabase = options.createDatabase === true && (await createDatabaseIfMissing(url));
      const result = await migrate(url, { tablePrefix: options.tablePrefix });
      const where = `${redactUrl(url)}${options.tablePrefix ? ` (table prefix '${options.tablePrefix}')` : ''}`;
      print(io, options.json, { database: parseMySqlUrl(url).database, createdDatabase, ...result }, () => [
        ...(createdDatabase ? [`Created database '${parseMySqlUrl(url).database}'.`] : []),
        result.applied.length > 0
          ? `Migrated ${where} to schema version ${result.version} (applied ${result.applied.join(', ')}).`
          : `${where} is already at schema version ${result.version}.`,
      ]);
    });
}
