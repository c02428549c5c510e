import { EventloomError } from './eventloom-error';

// Node and mysql2 codes of an outage or a transient conflict: the same call can succeed later.
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_CONNECTION_KILLED',
  'ER_SERVER_SHUTDOWN',
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
]);

// kafkajs' errors of a broker that does not answer (their class names; kafkajs is no dependency of core).
const TRANSIENT_NAMES = /^KafkaJS(Connection|ConnectionClosed|NumberOfRetriesExceeded|BrokerNotFound|RequestTimeout|LockTimeout)Error$/;

/**
 * True when an error says something needed is unavailable for now (a database
 * or broker unreachable, a connection lost, a deadlock or lock-wait timeout,
 * any EventloomError marked `retriable`), not that the event or the handler's
 * logic is wrong. Such a failure is retried for as long as it lasts and never
 * parks an event: an outage is not a poison event. Looks through `cause`.
 */
export function isInfrastructureFailure(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 8; current = current.cause, depth++) {
    if (current instanceof EventloomError && current.retriable) return true;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
    // mysql2 marks the errors of a connection it lost `fatal`; one of them, a command given to a pooled connection
    // the server closed ("Can't add new command when connection is in closed state"), carries no code at all.
    if (code === undefined && (current as { fatal?: unknown }).fatal === true) return true;
    if (TRANSIENT_NAMES.test(current.name)) return true;
  }
  return false;
}
