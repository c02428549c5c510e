import { Attributes, Context, context, isSpanContextValid, Link, Span, SpanKind, SpanStatusCode, trace, Tracer } from '@opentelemetry/api';
import { AppendInfo, CommandInfo, HandleInfo, Instrumentation, PublishInfo } from '@eventloom/core';
import { contextFromFields, traceFieldsOf } from './w3c-trace-context';

export interface EventloomTracingOptions {
  /** Default: the global tracer provider's tracer named '@eventloom/opentelemetry' (a no-op until an SDK registers one). */
  readonly tracer?: Tracer;
}

/** A publish span links to at most this many of its batch's events (a batch may hold thousands). */
const maxPublishLinks = 128;

/**
 * Eventloom's traces on the OpenTelemetry API: an Instrumentation (give it to
 * Eventloom and the publisher as `instrumentation`) that opens a span per
 * command, append, published batch and handler try, and stores the active
 * span's W3C trace context in the metadata of every event a command appends.
 * A handler's span continues the context its event carries (through the
 * store, Kafka headers and metadata alike), so the commands it sends and the
 * events they append join the same trace: one saga across services is one
 * trace. The application brings the SDK (and its context manager, without
 * which spans do not nest).
 */
export class EventloomTracing implements Instrumentation {
  private readonly tracer: Tracer;

  constructor(options: EventloomTracingOptions = {}) {
    this.tracer = options.tracer ?? trace.getTracer('@eventloom/opentelemetry');
  }

  readonly command = <T>(info: CommandInfo, run: () => Promise<T>): Promise<T> =>
    this.inSpan(`${info.kind} ${info.aggregateType}`, SpanKind.INTERNAL, context.active(), () => ({ 'eventloom.aggregate_type': info.aggregateType, 'eventloom.aggregate_id': info.aggregateId }), run);

  readonly append = <T>(info: AppendInfo, run: () => Promise<T>): Promise<T> =>
    this.inSpan(
      `append ${info.aggregateType}`,
      SpanKind.PRODUCER,
      context.active(),
      () => ({ 'eventloom.aggregate_type': info.aggregateType, 'eventloom.aggregate_id': info.aggregateId, 'eventloom.expected_version': info.expectedVersion, 'eventloom.events': info.events }),
      run,
    );

  /** The active span's context, stored with the events a command appends now. */
  eventMetadata(): Record<string, string> | undefined {
    return traceFieldsOf(trace.getSpanContext(context.active())) as Record<string, string> | undefined;
  }

  readonly handle = <T>(info: HandleInfo, run: () => Promise<T>): Promise<T> => {
    const { event } = info;
    // The event's context when it carries one (appended in a traced command, here or in another service).
    const parent = contextFromFields(event.metadata) ?? context.active();
    return this.inSpan(
      `handle ${event.eventType}`,
      SpanKind.CONSUMER,
      parent,
      () => ({
        'eventloom.subscriber': info.consumerId,
        'eventloom.event_type': event.eventType,
        'eventloom.event_id': event.eventId,
        'eventloom.aggregate_type': event.aggregateType,
        'eventloom.aggregate_id': event.aggregateId,
        'eventloom.attempt': info.attempt,
      }),
      run,
    );
  };

  readonly publish = <T>(info: PublishInfo, run: () => Promise<T>): Promise<T> => {
    const links: Link[] = [];
    for (const event of info.events) {
      if (links.length >= maxPublishLinks) break;
      const linked = contextFromFields(event.metadata);
      const spanContext = linked && trace.getSpanContext(linked);
      if (spanContext) links.push({ context: spanContext });
    }
    return this.inSpan('publish', SpanKind.PRODUCER, context.active(), () => ({ 'eventloom.events': info.events.length }), run, links);
  };

  private inSpan<T>(name: string, kind: SpanKind, parent: Context, attributes: () => Attributes, run: () => Promise<T>, links?: Link[]): Promise<T> {
    const span = this.tracer.startSpan(name, { kind, links }, parent);
    // No SDK (or a sampler that drops it): a span that records nothing and carries no context is all cost.
    if (!span.isRecording() && !isSpanContextValid(span.spanContext())) return run();
    // Attributes are built only for a span that keeps them (after start: samplers see none of them).
    if (span.isRecording()) span.setAttributes(attributes());
    return context.with(trace.setSpan(parent, span), () => ended(span, run));
  }
}

async function ended<T>(span: Span, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    span.end();
  }
}
