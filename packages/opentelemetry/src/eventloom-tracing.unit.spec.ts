import { context, SpanKind, trace } from '@opentelemetry/api';
import { silentLogger } from '@eventloom/core';
import { embeddedEventloom, embeddedMessaging } from '@eventloom/in-memory';
import { HoldSeats } from '@eventloom/testing/contract';
import { EventloomTracing } from './eventloom-tracing';
import { contextFromFields, traceFieldsOf } from './w3c-trace-context';
import { Parcel, Receiver, SendParcel } from '../test/relay';
import { inMemoryTracer, spanNamed } from '../test/in-memory-spans';

describe('EventloomTracing on an embedded Eventloom', () => {
  it('stores the command span in the events, continues it in the handler, and the handler\'s command and its events join the same trace', async () => {
    const traces = inMemoryTracer('unit');
    const eventloom = embeddedEventloom({ instrumentation: new EventloomTracing({ tracer: traces.tracer }), logger: silentLogger });
    const receiver = new Receiver();
    await eventloom.subscribe(receiver);
    try {
      const sent = await eventloom.repository.create(Parcel, new SendParcel('bob'));
      await eventloom.caughtUp();
      expect(receiver.received).toEqual([sent.id]);

      const spans = traces.spans();
      const create = spanNamed(spans, 'create OtParcel');
      const traceId = create.spanContext().traceId;
      expect(create.parentSpanContext).toBeUndefined(); // a command from no span starts the trace
      expect(sent.events[0].metadata.traceparent).toBe(`00-${traceId}-${create.spanContext().spanId}-01`);

      const append = spanNamed(spans, 'append OtParcel', (s) => s.parentSpanContext?.spanId === create.spanContext().spanId);
      expect(append.kind).toBe(SpanKind.PRODUCER);

      const handle = spanNamed(spans, 'handle OtParcelSent');
      expect(handle.kind).toBe(SpanKind.CONSUMER);
      expect(handle.spanContext().traceId).toBe(traceId);
      expect(handle.parentSpanContext?.spanId).toBe(create.spanContext().spanId);
      expect(handle.attributes['eventloom.subscriber']).toBe('ot-receiver');

      const update = spanNamed(spans, 'update OtParcel');
      expect(update.spanContext().traceId).toBe(traceId);
      expect(update.parentSpanContext?.spanId).toBe(handle.spanContext().spanId);
      const { eventsSinceSnapshot } = await eventloom.repository.find(Parcel, sent.id);
      expect(eventsSinceSnapshot[1].metadata.traceparent).toBe(`00-${traceId}-${update.spanContext().spanId}-01`);
    } finally {
      await eventloom.close();
      await traces.shutdown();
    }
  });

  it('marks a failed handler try as an error span, and stores no trace fields when no span is active', async () => {
    const traces = inMemoryTracer('unit-errors');
    const tracing = new EventloomTracing({ tracer: traces.tracer });
    expect(tracing.eventMetadata()).toBeUndefined();
    const event = { eventId: 'e1', eventType: 'X', eventData: '{}', aggregateType: 'T', aggregateId: 'a', version: 1, metadata: { correlationId: 'c', schemaVersion: 1 }, timestamp: new Date() };
    await expect(tracing.handle({ consumerId: 's', event, attempt: 1 }, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const [span] = traces.spans();
    expect(span.status).toEqual({ code: 2, message: 'boom' });
    await traces.shutdown();
  });
});

describe('EventloomTracing and command messages', () => {
  it('sends the active trace in the headers of an outbox message, and its handler\'s span continues it', async () => {
    const traces = inMemoryTracer('messages');
    const eventloom = embeddedEventloom({ instrumentation: new EventloomTracing({ tracer: traces.tracer }), logger: silentLogger });
    const messaging = embeddedMessaging(eventloom);
    const received: Array<Record<string, string>> = [];
    await messaging.consume('ot-seats', 'ot-seat-reader', async (message) => {
      received.push(message.headers);
    });
    try {
      const sender = traces.tracer.startSpan('request');
      await context.with(trace.setSpan(context.active(), sender), () =>
        messaging.transaction((tx) => messaging.outbox.send(tx, 'ot-seats', new HoldSeats('k', 1))),
      );
      sender.end();
      await messaging.caughtUp();
      expect(received).toHaveLength(1);
      expect(received[0].traceparent).toBe(`00-${sender.spanContext().traceId}-${sender.spanContext().spanId}-01`);
      const handle = spanNamed(traces.spans(), 'handle ContractHoldSeats');
      expect(handle.spanContext().traceId).toBe(sender.spanContext().traceId);
      expect(handle.parentSpanContext?.spanId).toBe(sender.spanContext().spanId);
    } finally {
      await messaging.close();
      await eventloom.close();
      await traces.shutdown();
    }
  });
});

describe('W3C trace context fields', () => {
  it('round-trip a span context, tracestate included, and refuse a malformed traceparent', () => {
    const fields = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', tracestate: 'vendor=opaque' };
    const parent = contextFromFields(fields)!;
    expect(traceFieldsOf(trace.getSpanContext(parent))).toEqual(fields);
    expect(contextFromFields({ traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01' })).toBeUndefined();
    expect(contextFromFields({ traceparent: 'garbage' })).toBeUndefined();
    expect(contextFromFields({})).toBeUndefined();
  });
});
