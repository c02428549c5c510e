import { topicFor } from './topics';
import { InvalidTopicNameError } from './errors';
import { resolveBrokers } from './config';

describe('topic names', () => {
  it('is prefix + aggregate type', () => {
    expect(topicFor('Order')).toBe('eventloom.Order');
    expect(topicFor('Order', '')).toBe('Order');
    expect(topicFor('Order', 'shop-')).toBe('shop-Order');
  });

  it('replaces characters Kafka refuses', () => {
    expect(topicFor('com.acme/Order Line', '')).toBe('com.acme_Order_Line');
  });

  it('refuses a bad prefix, an empty type and names over 249 characters', () => {
    expect(() => topicFor('Order', 'bad prefix')).toThrow(InvalidTopicNameError);
    expect(() => topicFor('', 'x.')).toThrow(InvalidTopicNameError);
    expect(() => topicFor('A'.repeat(250), '')).toThrow(/longer than 249/);
  });
});

describe('brokers', () => {
  it('reads a list, a comma-separated string, or KAFKA_BROKERS', () => {
    expect(resolveBrokers('a:1, b:2')).toEqual(['a:1', 'b:2']);
    expect(resolveBrokers(['a:1'])).toEqual(['a:1']);
    const saved = process.env.KAFKA_BROKERS;
    process.env.KAFKA_BROKERS = 'k:9';
    try {
      expect(resolveBrokers()).toEqual(['k:9']);
    } finally {
      if (saved === undefined) delete process.env.KAFKA_BROKERS;
      else process.env.KAFKA_BROKERS = saved;
    }
    expect(() => resolveBrokers('nohost')).toThrow(/not host:port/);
  });
});
