package dev.eventloom.tram;

import io.eventuate.common.id.ApplicationIdGenerator;
import io.eventuate.common.json.mapper.JSonMapper;
import io.eventuate.messaging.kafka.common.EventuateKafkaMultiMessage;
import io.eventuate.messaging.kafka.common.EventuateKafkaMultiMessageConverter;
import io.eventuate.messaging.kafka.producer.EventuateKafkaProducer;
import io.eventuate.tram.messaging.common.Message;
import io.eventuate.tram.messaging.producer.common.MessageProducerImplementation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
 *
 * Batched, it holds the messages until flush() and then sends each topic's as
 * one multi-message record (EventuateKafkaMultiMessageConverter), as the CDC
 * does with eventuate.cdc.kafka.enable.batch.processing.
 */
class CdcFormatKafkaWriter implements MessageProducerImplementation {
  private final EventuateKafkaProducer producer;
  private final ApplicationIdGenerator ids = new ApplicationIdGenerator();
  private final Consumer<Message> onSent;
  private final boolean batched;
  private final Map<String, List<Message>> held = new LinkedHashMap<>();

  CdcFormatKafkaWriter(EventuateKafkaProducer producer, boolean batched, Consumer<Message> onSent) {
    this.producer = producer;
    this.batched = batched;
    this.onSent = onSent;
  }

  @Override
  public void setMessageIdIfNecessary(Message message) {
    if (message.getHeader(Message.ID).isEmpty()) message.setHeader(Message.ID, ids.genIdInternal().asString());
  }

  @Override
  public synchronized void send(Message message) {
    String topic = message.getRequiredHeader(Message.DESTINATION);
    if (batched) {
      held.computeIfAbsent(topic, t -> new ArrayList<>()).add(message);
      return;
    }
    try {
      producer.send(topic, key(message), value(message)).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("Could not send message " + message.getId() + " to " + topic, e);
    }
    onSent.accept(message);
  }

  /** Sends what a batched writer holds: one multi-message record per topic, keyed by its first message's key. */
  synchronized void flush() throws Exception {
    EventuateKafkaMultiMessageConverter converter = new EventuateKafkaMultiMessageConverter();
    for (Map.Entry<String, List<Message>> topic : held.entrySet()) {
      List<EventuateKafkaMultiMessage> parts = new ArrayList<>();
      for (Message message : topic.getValue()) parts.add(new EventuateKafkaMultiMessage(key(message), value(message)));
      producer.send(topic.getKey(), key(topic.getValue().get(0)), converter.convertMessagesToBytes(parts)).get(30, TimeUnit.SECONDS);
      topic.getValue().forEach(onSent);
    }
    held.clear();
  }

  private static String key(Message message) {
    return message.getHeader(Message.PARTITION_ID).orElse(message.getId());
  }

  private static String value(Message message) {
    return JSonMapper.toJson(Map.of("payload", message.getPayload(), "headers", message.getHeaders()));
  }
}
