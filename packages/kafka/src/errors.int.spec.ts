import { ConfigurationError, silentLogger } from '@eventloom/core';
import { DeadLetterStore } from '@eventloom/core/spi';
import { InMemoryDeadLetterStore } from '@eventloom/in-memory';
import { KafkaTransport } from './consumer/kafka-transport';
import { startPublisher } from './publisher/publisher';
import { BrokerUnreachableError, KafkaConfigurationError } from './errors';
import { createTestDatabase, TEST_SERVER_URL } from '@eventloom/test-support';

describe('clear errors', () => {
  it('names the brokers when none answers', async () => {
    const transport = new KafkaTransport({ brokers: '127.0.0.1:1', logger: silentLogger, kafkaConfig: { retry: { retries: 0 } } });
    const subscribing = transport.subscribe({ subscriberId: 's', aggregateTypes: ['A'], eventTypes: ['E'], handle: async () => {}, deadLetters: new InMemoryDeadLetterStore() });
    await expect(subscribing).rejects.toBeInstanceOf(BrokerUnreachableError);
    await expect(subscribing).rejects.toThrow(/Kafka is unreachable at 127\.0\.0\.1:1/);
    await transport.close();
  });

  it('says when the events table cannot be read', async () => {
    const mysqlUrl = `${TEST_SERVER_URL}/eventloom_no_such_db`;
    await expect(startPublisher({ mysqlUrl, logger: silentLogger })).rejects.toThrow(KafkaConfigurationError);
    await expect(startPublisher({ mysqlUrl, logger: silentLogger })).rejects.toThrow(/cannot read `events`: Unknown database/);
  });

  it('says to migrate when the published position (schema 7) is missing', async () => {
    const database = await createTestDatabase('publisher_schema6', { migrated: true });
    try {
      await database.pool.query('DROP TABLE publication');
      await expect(startPublisher({ mysqlUrl: database.url, logger: silentLogger })).rejects.toThrow(/publication.*doesn't exist.*run the migrations/);
    } finally {
      await database.drop();
    }
  });

  it('refuses settings that cannot work', () => {
    expect(() => new KafkaTransport({ topicPrefix: 'no spaces' })).toThrow(/topic prefix/);
    expect(() => new KafkaTransport({ brokers: 'no-port' })).toThrow(/not host:port/);
  });

  it('refuses holdBackAfterPark at subscribe when the Eventloom\'s dead-letter store cannot tell parked aggregates apart', async () => {
    const transport = new KafkaTransport({ brokers: '127.0.0.1:1', holdBackAfterPark: true, logger: silentLogger });
    const plain = new InMemoryDeadLetterStore();
    const withoutParking: DeadLetterStore = {
      park: (e) => plain.park(e), list: (s) => plain.list(s), find: (s, e) => plain.find(s, e), take: (s, e) => plain.take(s, e), release: (s, e, n) => plain.release(s, e, n),
    };
    const subscribing = transport.subscribe({ subscriberId: 's', aggregateTypes: ['A'], eventTypes: ['E'], handle: async () => {}, deadLetters: withoutParking });
    await expect(subscribing).rejects.toBeInstanceOf(KafkaConfigurationError);
    await expect(subscribing).rejects.toBeInstanceOf(ConfigurationError);
    await expect(subscribing).rejects.toThrow(/holdBackAfterPark needs the Eventloom's deadLetters .*AggregateParking.*subscriber 's'/);
    await transport.close();
  });
});
