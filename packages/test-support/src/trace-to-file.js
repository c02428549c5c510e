// Preloaded into a child process (NODE_OPTIONS="--require <this file>") to trace it as an application
// would with the OpenTelemetry SDK: a global tracer provider and the AsyncLocalStorage context manager.
// Each finished span is appended to EVENTLOOM_TRACE_FILE as one JSON line, so a test can read the
// spans of several processes (an in-memory exporter, written down).
const { appendFileSync } = require('node:fs');
const path = require('node:path');
const { context, trace } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { BasicTracerProvider, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');

const file = process.env.EVENTLOOM_TRACE_FILE;
if (!file) throw new Error('trace-to-file.js needs EVENTLOOM_TRACE_FILE: the file the spans are appended to.');
const processName = path.basename(process.argv[1] ?? 'node', '.js');

const exporter = {
  export(spans, done) {
    const lines = spans.map((span) =>
      JSON.stringify({
        process: processName,
        pid: process.pid,
        name: span.name,
        traceId: span.spanContext().traceId,
        spanId: span.spanContext().spanId,
        parentSpanId: span.parentSpanContext?.spanId,
        attributes: span.attributes,
      }),
    );
    // One append per batch: lines of concurrent processes never interleave within a line.
    appendFileSync(file, lines.map((line) => `${line}\n`).join(''));
    done({ code: 0 });
  },
  shutdown: async () => {},
};

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
