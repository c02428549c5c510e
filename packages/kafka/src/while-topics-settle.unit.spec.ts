import { isSettling, whileTopicsSettle } from './while-topics-settle';

function protocolError(type: string): Error {
  return Object.assign(new Error(type), { name: 'KafkaJSProtocolError', type });
}

describe('whileTopicsSettle', () => {
  it('tells a topic not served yet, even wrapped as kafkajs does, from other errors', () => {
    expect(isSettling(protocolError('UNKNOWN_TOPIC_OR_PARTITION'))).toBe(true);
    expect(isSettling(new Error('non retriable', { cause: protocolError('GROUP_COORDINATOR_NOT_AVAILABLE') }))).toBe(true);
    expect(isSettling(protocolError('TOPIC_AUTHORIZATION_FAILED'))).toBe(false);
    expect(isSettling(new Error('connect ECONNREFUSED'))).toBe(false);
    expect(isSettling(undefined)).toBe(false);
  });

  it('tries again while the broker settles, then returns what the action returns', async () => {
    let calls = 0;
    const result = await whileTopicsSettle(async () => {
      calls++;
      if (calls < 3) throw protocolError('UNKNOWN_TOPIC_OR_PARTITION');
      return 'subscribed';
    });
    expect(result).toBe('subscribed');
    expect(calls).toBe(3);
  });

  it('throws any other error at once, and a settling one past the deadline', async () => {
    let calls = 0;
    await expect(
      whileTopicsSettle(async () => {
        calls++;
        throw new Error('denied');
      }),
    ).rejects.toThrow('denied');
    expect(calls).toBe(1);
    await expect(
      whileTopicsSettle(async () => {
        throw protocolError('LEADER_NOT_AVAILABLE');
      }, 120),
    ).rejects.toThrow('LEADER_NOT_AVAILABLE');
  });
});
