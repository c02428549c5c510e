import { existsSync } from 'node:fs';
import path from 'node:path';
import { ServiceModuleError } from './cli-errors';
import { EventloomService } from './eventloom-service';

/** Loads `--service <module>`: a file (relative to the working directory) or, if no such file exists, a package name. */
export function loadServiceModule(specifier: string, cwd = process.cwd()): EventloomService {
  const file = path.resolve(cwd, specifier);
  const resolved = specifier.startsWith('.') || path.isAbsolute(specifier) || existsSync(file) ? file : specifier;
  let exported: Record<string, unknown>;
  try {
    exported = require(require.resolve(resolved, { paths: [cwd] }));
  } catch (error) {
    throw new ServiceModuleError(`Cannot load the service module '${specifier}' (--service): ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
  const service = (exported.default ?? exported.service) as EventloomService | undefined;
  const valid =
    typeof service === 'object' &&
    service !== null &&
    (service.aggregates === undefined || Array.isArray(service.aggregates)) &&
    (service.subscribers === undefined || typeof service.subscribers === 'function');
  if (!valid) {
    throw new ServiceModuleError(
      `The service module '${specifier}' exports no Eventloom service: export default defineService({ aggregates: [...], subscribers: ({ store }) => [...] }) from @eventloom/cli.`,
    );
  }
  return service;
}
