import { ConfigurationError } from '@eventloom/core';
import { KafkaTransport } from './consumer/kafka-transport';
import { InvalidTopicNameError, KafkaConfigurationError } from './errors';
import { KafkaSink } from './publisher/kafka-sink';
import { kafkaTopology } from './topology';

describe('kafkaTopology', () => {
  it('applies the defaults once: prefix eventloom., no group prefix, 4 partitions', () => {
    const topology = kafkaTopology();
    expect([topology.topicPrefix, topology.groupIdPrefix, topology.partitions]).toEqual(['eventloom.', '', 4]);
    expect(topology.topicOf('Order')).toBe('eventloom.Order');
    expect(topology.groupIdOf('order-history')).toBe('order-history');
  });

  it('is what the sink and the transport use, so a rebuild given transport.topology joins the transport\'s group', () => {
    const transport = new KafkaTransport({ topicPrefix: 'shop.', groupIdPrefix: 'g.', partitions: 6 });
    expect(transport.topology.groupIdOf('view')).toBe('g.view');
    expect(transport.groupIdOf('view')).toBe('g.view');
    expect(transport.topicOf('Order Line')).toBe('shop.Order_Line');
    const shared = kafkaTopology({ topicPrefix: 'shop.', partitions: 6 });
    expect(new KafkaSink({ topology: shared }).topology).toBe(shared);
    expect(new KafkaTransport({ topology: shared }).topology).toBe(shared);
    expect(new KafkaSink({ topicPrefix: 'shop.', partitions: 6 }).topology.topicOf('Order')).toBe(transport.topicOf('Order'));
  });

  it('refuses settings that cannot work, and a topology given beside separate settings', () => {
    expect(() => kafkaTopology({ topicPrefix: 'no spaces' })).toThrow(InvalidTopicNameError);
    expect(() => kafkaTopology({ partitions: 0 })).toThrow(KafkaConfigurationError);
    expect(() => new KafkaSink({ partitions: 2.5 })).toThrow(/partitions/);
    const both = () => new KafkaTransport({ topology: kafkaTopology(), groupIdPrefix: 'x.' });
    expect(both).toThrow(ConfigurationError);
    expect(both).toThrow('KafkaTransport: give either topology or groupIdPrefix, not both (they could disagree).');
  });
});
