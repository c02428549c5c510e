import { CommandRejectedError, OptimisticConcurrencyError } from './errors';
import { EventloomError } from './eventloom-error';
import { isInfrastructureFailure } from './infrastructure-failure';

class BrokerDown extends EventloomError {
  override readonly retriable = true;
}

describe('isInfrastructureFailure', () => {
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['a lost MySQL connection', Object.assign(new Error('Connection lost'), { code: 'PROTOCOL_CONNECTION_LOST' })],
    ['a command on a pooled MySQL connection the server closed', Object.assign(new Error("Can't add new command when connection is in closed state"), { fatal: true })],
    ['a deadlock', Object.assign(new Error('Deadlock found'), { code: 'ER_LOCK_DEADLOCK' })],
    ['a lock-wait timeout', Object.assign(new Error('Lock wait timeout exceeded'), { code: 'ER_LOCK_WAIT_TIMEOUT' })],
    ['a retriable Eventloom error', new BrokerDown('Kafka is unreachable')],
    ['a kafkajs connection error', Object.assign(new Error('Connection error'), { name: 'KafkaJSConnectionError' })],
    ['an outage behind a wrapper', new Error('view update failed', { cause: Object.assign(new Error('x'), { code: 'ETIMEDOUT' }) })],
    ['a lost optimistic race after the repository\'s tries (contention, not poison)', new OptimisticConcurrencyError('A', 'a-1', 3)],
  ])('counts %s', (_what, error) => {
    expect(isInfrastructureFailure(error)).toBe(true);
  });

  it.each([
    ['a plain error', new Error('boom')],
    ['a refused command', new CommandRejectedError('no credit')],
    ['a type error', new TypeError('undefined is not a function')],
    ['a duplicate key (a logic error, not an outage)', Object.assign(new Error('Duplicate entry'), { code: 'ER_DUP_ENTRY' })],
    ['a string', 'ECONNREFUSED'],
  ])('does not count %s', (_what, error) => {
    expect(isInfrastructureFailure(error)).toBe(false);
  });
});
