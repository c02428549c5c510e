package dev.eventloom.interop;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventuate.DispatchedEvent;
import io.eventuate.Event;
import io.eventuate.SubscriberOptions;
import io.eventuate.common.eventuate.local.BinlogFileOffset;
import io.eventuate.common.eventuate.local.PublishedEvent;
import io.eventuate.common.json.mapper.JSonMapper;
import io.eventuate.javaclient.commonimpl.common.schema.DefaultEventuateEventSchemaManager;
import io.eventuate.javaclient.commonimpl.events.DefaultSerializedEventDeserializer;
import io.eventuate.javaclient.commonimpl.events.EventuateAggregateStoreEventsImpl;
import io.eventuate.local.java.events.EventuateKafkaAggregateSubscriptions;
import io.eventuate.messaging.kafka.basic.consumer.DefaultKafkaConsumerFactory;
import io.eventuate.messaging.kafka.basic.consumer.EventuateKafkaConsumerConfigurationProperties;
import io.eventuate.messaging.kafka.common.AggregateTopicMapping;
import io.eventuate.messaging.kafka.common.EventuateKafkaConfigurationProperties;
import io.eventuate.messaging.kafka.common.EventuateKafkaMultiMessage;
import io.eventuate.messaging.kafka.common.EventuateKafkaMultiMessageConverter;
import io.eventuate.messaging.kafka.producer.EventuateKafkaProducer;
import io.eventuate.messaging.kafka.producer.EventuateKafkaProducerConfigurationProperties;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.*;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Eventuate's side of the interop tests.
 *
 *   subscribe BROKERS SUBSCRIBER_ID ENTITY_TYPE EVENT_CLASS[,EVENT_CLASS...] COUNT QUIET_MS
 *     Subscribes as an Eventuate service does (EventuateAggregateStoreEventsImpl over
 *     EventuateKafkaAggregateSubscriptions, DefaultSerializedEventDeserializer) and prints one JSON
 *     line per event handed to the handler; after COUNT events and QUIET_MS without another, exits.
 *
 *   produce BROKERS single|multi
 *     Reads PublishedEvent fields as JSON lines on stdin and sends them as Eventuate's CDC does:
 *     PublishedEvent JSON (with a binlogFileOffset) through EventuateKafkaProducer to the entity
 *     type's topic, keyed by entity id; `multi` puts each run of one entity's events in one
 *     multi-message record.
 */
public class Interop {
  private static final ObjectMapper plain = new ObjectMapper();
  private static final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "subscribe" -> subscribe(args[1], args[2], args[3], args[4], Integer.parseInt(args[5]), Long.parseLong(args[6]));
      case "produce" -> produce(args[1], args[2]);
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
    System.exit(0);
  }

  private static void subscribe(String brokers, String subscriberId, String entityType, String eventClasses, int count, long quietMs) throws Exception {
    EventuateKafkaAggregateSubscriptions subscriptions = new EventuateKafkaAggregateSubscriptions(
        new EventuateKafkaConfigurationProperties(brokers, 30_000),
        EventuateKafkaConsumerConfigurationProperties.empty(),
        new DefaultKafkaConsumerFactory());
    EventuateAggregateStoreEventsImpl events = new EventuateAggregateStoreEventsImpl(subscriptions, new DefaultEventuateEventSchemaManager());
    events.setSerializedEventDeserializer(new DefaultSerializedEventDeserializer());

    AtomicInteger received = new AtomicInteger();
    CountDownLatch enough = new CountDownLatch(count);
    Map<String, Set<String>> aggregatesAndEvents = Map.of(entityType, new HashSet<>(Arrays.asList(eventClasses.split(","))));
    events.subscribe(subscriberId, aggregatesAndEvents, SubscriberOptions.DEFAULTS, (DispatchedEvent<Event> de) -> {
      ObjectNode line = plain.createObjectNode();
      line.put("eventType", de.getEventType().getName());
      line.put("eventId", de.getEventId().asString());
      line.put("entityId", de.getEntityId());
      try {
        line.put("data", plain.writeValueAsString(de.getEvent()));
        line.put("metadata", plain.writeValueAsString(de.getEventMetadata().orElse(null)));
        // What Java code reading the metadata map sees: every value a String (a cast would throw otherwise)
        de.getEventMetadata().ifPresent(md -> md.values().forEach(v -> { String s = (String) v; }));
        line.put("metadataAllStrings", true);
        synchronized (out) {
          out.println(plain.writeValueAsString(line));
        }
      } catch (Exception e) {
        return CompletableFuture.failedFuture(e);
      }
      received.incrementAndGet();
      enough.countDown();
      return CompletableFuture.completedFuture(null);
    }).get();
    System.err.println("subscribed " + subscriberId);
    enough.await();
    int seen;
    do {
      seen = received.get();
      Thread.sleep(quietMs);
    } while (received.get() != seen);
    subscriptions.cleanUp();
  }

  private static void produce(String brokers, String mode) throws Exception {
    EventuateKafkaProducer producer = new EventuateKafkaProducer(brokers, EventuateKafkaProducerConfigurationProperties.empty());
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    List<PublishedEvent> events = new ArrayList<>();
    long binlogOffset = 4;
    for (String line; (line = in.readLine()) != null; ) {
      if (line.isBlank()) continue;
      @SuppressWarnings("unchecked") Map<String, String> f = plain.readValue(line, Map.class);
      events.add(new PublishedEvent(f.get("id"), f.get("entityId"), f.get("entityType"), f.get("eventData"), f.get("eventType"),
          new BinlogFileOffset("mysql-bin.000003", binlogOffset += 120, 0), Optional.ofNullable(f.get("metadata"))));
    }
    List<CompletableFuture<?>> sent = new ArrayList<>();
    EventuateKafkaMultiMessageConverter converter = new EventuateKafkaMultiMessageConverter();
    for (int i = 0; i < events.size(); ) {
      PublishedEvent first = events.get(i);
      String topic = AggregateTopicMapping.aggregateTypeToTopic(first.getEntityType());
      if (mode.equals("single")) {
        sent.add(producer.send(topic, first.getEntityId(), JSonMapper.toJson(first)));
        i++;
        continue;
      }
      List<EventuateKafkaMultiMessage> run = new ArrayList<>();
      while (i < events.size() && events.get(i).getEntityId().equals(first.getEntityId())) {
        PublishedEvent e = events.get(i++);
        run.add(new EventuateKafkaMultiMessage(e.getEntityId(), JSonMapper.toJson(e)));
      }
      sent.add(producer.send(topic, first.getEntityId(), converter.convertMessagesToBytes(run)));
    }
    CompletableFuture.allOf(sent.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
    producer.close();
    System.err.println("produced " + events.size() + " events in " + sent.size() + " records");
  }
}
