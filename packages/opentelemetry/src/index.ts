export { EventloomTracing } from './eventloom-tracing';
export type { EventloomTracingOptions } from './eventloom-tracing';
export { contextFromFields, traceFieldsOf } from './w3c-trace-context';
export type { TraceFields } from './w3c-trace-context';
