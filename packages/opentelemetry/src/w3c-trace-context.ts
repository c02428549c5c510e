import { Context, createTraceState, isSpanContextValid, ROOT_CONTEXT, SpanContext, trace } from '@opentelemetry/api';

/**
 * W3C Trace Context (traceparent, tracestate) to and from event metadata,
 * written here rather than through the global propagator: that one is a
 * no-op until an SDK registers one, and the context must reach the events
 * whatever the application set up.
 */
export interface TraceFields {
  readonly traceparent: string;
  readonly tracestate?: string;
}

const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The fields of `spanContext`, undefined when it is not a valid one (no span active). */
export function traceFieldsOf(spanContext: SpanContext | undefined): TraceFields | undefined {
  if (!spanContext || !isSpanContextValid(spanContext)) return undefined;
  const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0');
  const traceparent = `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
  const tracestate = spanContext.traceState?.serialize();
  return tracestate ? { traceparent, tracestate } : { traceparent };
}

/** A context whose (remote) parent is what `metadata` carries; undefined when it carries no valid traceparent. */
export function contextFromFields(metadata: Readonly<Record<string, unknown>>): Context | undefined {
  const traceparent = metadata.traceparent;
  if (typeof traceparent !== 'string') return undefined;
  const match = traceparentPattern.exec(traceparent.trim());
  if (!match) return undefined;
  const tracestate = metadata.tracestate;
  const spanContext: SpanContext = {
    traceId: match[1],
    spanId: match[2],
    traceFlags: parseInt(match[3], 16),
    isRemote: true,
    ...(typeof tracestate === 'string' && tracestate !== '' ? { traceState: createTraceState(tracestate) } : {}),
  };
  return isSpanContextValid(spanContext) ? trace.setSpanContext(ROOT_CONTEXT, spanContext) : undefined;
}
