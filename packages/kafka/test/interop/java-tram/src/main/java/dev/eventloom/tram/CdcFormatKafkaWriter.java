package dev.eventloom.tram;

import io.eventuate.common.id.ApplicationIdGenerator;
import io.eventuate.common.json.mapper.JSonMapper;
import io.eventuate.messaging.kafka.producer.EventuateKafkaProducer;
import io.eventuate.tram.messaging.common.Message;
import io.eventuate.tram.messaging.producer.common.MessageProducerImplementation;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The last hop of a Tram service's outgoing messages, without the database in
 * between: a Tram service writes them to its `message` table and Tram's CDC
 * sends each one with EventuateKafkaProducer to the topic named by its
 * DESTINATION, keyed by PARTITION_ID (else ID), as
 * {"payload": ..., "headers": {...}} (the CDC's MessageWithDestination.toJson
 * and MessageWithDestinationPublishingStrategy). Ids are made as Tram's
 * application id generator makes them.
 */
class CdcFormatKafkaWriter implements MessageProducerImplementation {
  private final EventuateKafkaProducer producer;
  private final ApplicationIdGenerator ids = new ApplicationIdGenerator();
  private final Consumer<Message> onSent;

  CdcFormatKafkaWriter(EventuateKafkaProducer producer, Consumer<Message> onSent) {
    this.producer = producer;
    this.onSent = onSent;
  }

  @Override
  public void setMessageIdIfNecessary(Message message) {
    if (message.getHeader(Message.ID).isEmpty()) message.setHeader(Message.ID, ids.genIdInternal().asString());
  }

  @Override
  public void send(Message message) {
    String topic = message.getRequiredHeader(Message.DESTINATION);
    String key = message.getHeader(Message.PARTITION_ID).orElse(message.getId());
    String value = JSonMapper.toJson(Map.of("payload", message.getPayload(), "headers", message.getHeaders()));
    try {
      producer.send(topic, key, value).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("Could not send message " + message.getId() + " to " + topic, e);
    }
    onSent.accept(message);
  }
}
