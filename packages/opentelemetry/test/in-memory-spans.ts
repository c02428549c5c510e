import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Tracer } from '@opentelemetry/api';

/** A tracer whose finished spans are kept in memory, as a test's exporter; registers the async context manager once. */
export function inMemoryTracer(name: string): { tracer: Tracer; spans(): ReadableSpan[]; shutdown(): Promise<void> } {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { tracer: provider.getTracer(name), spans: () => exporter.getFinishedSpans(), shutdown: () => provider.shutdown() };
}

/** The one span named `name` (throws naming what there is otherwise). */
export function spanNamed(spans: readonly ReadableSpan[], name: string, where: (s: ReadableSpan) => boolean = () => true): ReadableSpan {
  const found = spans.filter((s) => s.name === name && where(s));
  if (found.length !== 1) throw new Error(`${found.length} spans named '${name}'; spans: ${spans.map((s) => s.name).join(', ')}`);
  return found[0];
}
