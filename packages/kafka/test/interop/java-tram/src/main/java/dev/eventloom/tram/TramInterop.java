package dev.eventloom.tram;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventuate.common.json.mapper.JSonMapper;
import io.eventuate.messaging.kafka.basic.consumer.DefaultKafkaConsumerFactory;
import io.eventuate.messaging.kafka.basic.consumer.EventuateKafkaConsumerConfigurationProperties;
import io.eventuate.messaging.kafka.consumer.MessageConsumerKafkaImpl;
import io.eventuate.messaging.kafka.consumer.OriginalTopicPartitionToSwimlaneMapping;
import io.eventuate.messaging.kafka.producer.EventuateKafkaProducer;
import io.eventuate.messaging.kafka.producer.EventuateKafkaProducerConfigurationProperties;
import io.eventuate.tram.commands.common.Command;
import io.eventuate.tram.commands.common.CommandMessageHeaders;
import io.eventuate.tram.commands.common.CommandReplyOutcome;
import io.eventuate.tram.commands.common.DefaultCommandNameMapping;
import io.eventuate.tram.commands.common.ReplyMessageHeaders;
import io.eventuate.tram.commands.consumer.CommandHandlers;
import io.eventuate.tram.commands.consumer.CommandMessage;
import io.eventuate.tram.commands.consumer.CommandReplyProducer;
import io.eventuate.tram.commands.producer.CommandMessageFactory;
import io.eventuate.tram.consumer.common.DecoratedMessageHandlerFactory;
import io.eventuate.tram.consumer.common.DuplicateDetectingMessageHandlerDecorator;
import io.eventuate.tram.consumer.common.MessageConsumerImpl;
import io.eventuate.tram.consumer.common.MessageHandlerDecorator;
import io.eventuate.tram.consumer.common.NoopDuplicateMessageDetector;
import io.eventuate.tram.consumer.kafka.EventuateTramKafkaMessageConsumer;
import io.eventuate.tram.messaging.common.ChannelMapping;
import io.eventuate.tram.messaging.common.DefaultChannelMapping;
import io.eventuate.tram.messaging.common.Message;
import io.eventuate.tram.messaging.common.MessageInterceptor;
import io.eventuate.tram.messaging.consumer.DefaultSubscriberMapping;
import io.eventuate.tram.messaging.producer.common.MessageProducerImpl;
import io.eventuate.tram.sagas.common.SagaCommandHeaders;
import io.eventuate.tram.sagas.participant.SagaCommandDispatcher;
import io.eventuate.tram.sagas.participant.SagaCommandHandlersBuilder;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.*;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.eventuate.tram.commands.consumer.CommandHandlerReplyBuilder.withFailure;
import static io.eventuate.tram.commands.consumer.CommandHandlerReplyBuilder.withSuccess;

/**
 * Eventuate Tram's side of the Tram interop tests, on Tram's own classes.
 * Messages are read with Tram's Kafka consumer (EventuateTramKafkaMessageConsumer
 * under MessageConsumerImpl) and written as Tram's CDC writes them (see
 * CdcFormatKafkaWriter) behind Tram's MessageProducerImpl.
 *
 *   participant BROKERS CHANNEL DISPATCHER_ID CREDIT_LIMIT COUNT QUIET_MS [batched]
 *     A saga participant: SagaCommandDispatcher with a SagaCommandHandlersBuilder handler of
 *     ReserveCredit on CHANNEL, answering withSuccess(CreditReserved) up to CREDIT_LIMIT, else
 *     withFailure(CreditLimitExceeded); a negative amount makes the handler throw (Tram then sends no
 *     reply). Prints a {"command": ...} line per command handled and a
 *     {"sent": ...} line per reply written; after COUNT commands and QUIET_MS without another, exits.
 *     `batched` holds the replies until COUNT commands are handled, then writes them as the CDC
 *     does with batching on: one multi-message record for all of them.
 *
 *   command BROKERS CHANNEL REPLY_CHANNEL SUBSCRIBER_ID TIMEOUT_MS
 *     Reads {"orderId", "parcels", "headers"} JSON lines on stdin, sends each as a ScheduleDelivery
 *     command (a CancelDelivery when it has no "parcels") made by CommandMessageFactory (reply to REPLY_CHANNEL, the extra headers added), then
 *     reads REPLY_CHANNEL until each has its reply, and prints per reply what Tram makes of it: the
 *     outcome (CommandReplyOutcome), the reply decoded as its reply_type class (a map when there is none), and the command_*
 *     headers not echoed as commandreply_* (CommandMessageHeaders.inReply). Exits 1 on a timeout.
 */
public class TramInterop {
  private static final ObjectMapper plain = new ObjectMapper();
  private static final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
  private static final ChannelMapping channels = new DefaultChannelMapping(new HashMap<>());

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "participant" -> participant(args[1], args[2], args[3], Long.parseLong(args[4]), Integer.parseInt(args[5]), Long.parseLong(args[6]),
          args.length > 7 && args[7].equals("batched"));
      case "command" -> command(args[1], args[2], args[3], args[4], Long.parseLong(args[5]));
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
    System.exit(0);
  }

  private static MessageConsumerImpl tramConsumer(String brokers) {
    MessageConsumerKafkaImpl kafka = new MessageConsumerKafkaImpl(brokers, EventuateKafkaConsumerConfigurationProperties.empty(),
        new DefaultKafkaConsumerFactory(), new OriginalTopicPartitionToSwimlaneMapping());
    List<MessageHandlerDecorator> decorators = new ArrayList<>(List.of(new DuplicateDetectingMessageHandlerDecorator(new NoopDuplicateMessageDetector())));
    return new MessageConsumerImpl(channels, new EventuateTramKafkaMessageConsumer(kafka), new DecoratedMessageHandlerFactory(decorators),
        new DefaultSubscriberMapping());
  }

  private static CdcFormatKafkaWriter cdcWriter(EventuateKafkaProducer kafka, boolean batched, boolean printSent) {
    return new CdcFormatKafkaWriter(kafka, batched, message -> {
      if (printSent) print(Map.of("sent", Map.of("payload", message.getPayload(), "headers", message.getHeaders())));
    });
  }

  private static void participant(String brokers, String channel, String dispatcherId, long creditLimit, int count, long quietMs, boolean batched) throws Exception {
    EventuateKafkaProducer kafka = new EventuateKafkaProducer(brokers, EventuateKafkaProducerConfigurationProperties.empty());
    CdcFormatKafkaWriter writer = cdcWriter(kafka, batched, true);
    MessageConsumerImpl consumer = tramConsumer(brokers);
    AtomicInteger handled = new AtomicInteger();
    CountDownLatch enough = new CountDownLatch(count);
    Map<String, Long> reservedByCustomer = new ConcurrentHashMap<>();

    CommandHandlers handlers = SagaCommandHandlersBuilder.fromChannel(channel)
        .onMessage(ReserveCredit.class, (CommandMessage<ReserveCredit> cm) -> {
          ReserveCredit command = cm.getCommand();
          Map<String, String> headers = cm.getMessage().getHeaders();
          Map<String, Object> line = new LinkedHashMap<>();
          line.put("messageId", cm.getMessageId());
          line.put("commandType", headers.get(CommandMessageHeaders.COMMAND_TYPE));
          line.put("replyTo", headers.get(CommandMessageHeaders.REPLY_TO));
          line.put("sagaType", headers.get(SagaCommandHeaders.SAGA_TYPE));
          line.put("sagaId", headers.get(SagaCommandHeaders.SAGA_ID));
          line.put("customerId", command.customerId);
          line.put("amount", command.amount);
          line.put("correlationHeaders", cm.getCorrelationHeaders());
          print(Map.of("command", line));
          handled.incrementAndGet();
          enough.countDown();
          // A handler that throws: Tram 0.36 sends no reply (no exception handler is declared), so only a deadline helps.
          if (command.amount < 0) throw new IllegalArgumentException("a negative amount cannot be reserved: " + command.amount);
          long reserved = reservedByCustomer.getOrDefault(command.customerId, 0L);
          Message reply = reserved + command.amount > creditLimit
              ? withFailure(new CreditLimitExceeded(command.customerId, command.amount, creditLimit))
              : withSuccess(new CreditReserved(command.customerId, command.amount, creditLimit - reserved - command.amount));
          if (reserved + command.amount <= creditLimit) reservedByCustomer.put(command.customerId, reserved + command.amount);
          return reply;
        })
        .build();
    SagaCommandDispatcher dispatcher = new SagaCommandDispatcher(dispatcherId, handlers, consumer, new RefusingSagaLockManager(),
        new DefaultCommandNameMapping(), new CommandReplyProducer(new MessageProducerImpl(new MessageInterceptor[0], channels, writer)));
    dispatcher.initialize();
    System.err.println("participant " + dispatcherId + " reads " + channel);
    enough.await();
    int seen;
    do {
      seen = handled.get();
      Thread.sleep(quietMs);
    } while (handled.get() != seen);
    // After the quiet time: a handler's reply is written after it returns (and handlers of two partitions run at once).
    writer.flush();
    consumer.close();
    kafka.close();
  }

  private static void command(String brokers, String channel, String replyChannel, String subscriberId, long timeoutMs) throws Exception {
    EventuateKafkaProducer kafka = new EventuateKafkaProducer(brokers, EventuateKafkaProducerConfigurationProperties.empty());
    MessageProducerImpl producer = new MessageProducerImpl(new MessageInterceptor[0], channels, cdcWriter(kafka, false, false));
    Map<String, Message> sent = new ConcurrentHashMap<>();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String text; (text = in.readLine()) != null; ) {
      if (text.isBlank()) continue;
      @SuppressWarnings("unchecked") Map<String, Object> f = plain.readValue(text, Map.class);
      @SuppressWarnings("unchecked") Map<String, String> extra = (Map<String, String>) f.getOrDefault("headers", Map.of());
      Command command = f.containsKey("parcels")
          ? new ScheduleDelivery((String) f.get("orderId"), ((Number) f.get("parcels")).intValue())
          : new CancelDelivery((String) f.get("orderId"));
      Message message = CommandMessageFactory.makeMessage(new DefaultCommandNameMapping(), channel, command, replyChannel, extra);
      producer.send(channel, message);
      sent.put(message.getId(), message);
      print(Map.of("commandSent", Map.of("payload", message.getPayload(), "headers", message.getHeaders())));
    }

    Set<String> answered = ConcurrentHashMap.newKeySet();
    CountDownLatch allAnswered = new CountDownLatch(sent.size());
    MessageConsumerImpl consumer = tramConsumer(brokers);
    consumer.subscribe(subscriberId, Set.of(replyChannel), reply -> {
      String inReplyTo = reply.getRequiredHeader(ReplyMessageHeaders.IN_REPLY_TO);
      Message command = sent.get(inReplyTo);
      if (command == null || !answered.add(inReplyTo)) return;
      try {
        String replyType = reply.getRequiredHeader(ReplyMessageHeaders.REPLY_TYPE);
        Class<?> replyClass;
        try {
          replyClass = Class.forName(replyType);
        } catch (ClassNotFoundException e) {
          replyClass = Map.class; // a reply type with no Java class: read as a map, as a Tram saga does without a handler for it
        }
        Object decoded = JSonMapper.fromJson(reply.getPayload(), replyClass);
        CommandReplyOutcome outcome = CommandReplyOutcome.valueOf(reply.getRequiredHeader(ReplyMessageHeaders.REPLY_OUTCOME));
        List<String> notEchoed = new ArrayList<>();
        command.getHeaders().forEach((name, value) -> {
          if (name.startsWith(CommandMessageHeaders.COMMAND_HEADER_PREFIX) && !value.equals(reply.getHeaders().get(CommandMessageHeaders.inReply(name)))) notEchoed.add(name);
        });
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("inReplyTo", inReplyTo);
        line.put("replyId", reply.getId());
        line.put("replyType", replyType);
        line.put("outcome", outcome.name());
        line.put("reply", plain.readTree(plain.writeValueAsString(decoded)));
        line.put("decodedAs", decoded.getClass().getName());
        line.put("notEchoed", notEchoed);
        line.put("headers", reply.getHeaders());
        print(Map.of("reply", line));
      } catch (Exception e) {
        print(Map.of("undecodable", Map.of("inReplyTo", inReplyTo, "error", String.valueOf(e))));
      }
      allAnswered.countDown();
    });
    System.err.println("sent " + sent.size() + " commands to " + channel + ", reading " + replyChannel);
    boolean done = allAnswered.await(timeoutMs, TimeUnit.MILLISECONDS);
    consumer.close();
    kafka.close();
    if (!done) {
      System.err.println("no reply within " + timeoutMs + " ms to " + allAnswered.getCount() + " of " + sent.size() + " commands");
      System.exit(1);
    }
  }

  private static void print(Object line) {
    try {
      String text = plain.writeValueAsString(line);
      synchronized (out) {
        out.println(text);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
