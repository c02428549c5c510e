export * from './decorators';
export * from './aggregate-repository';
export { aggregateDefinition } from './aggregate-metadata';
export type { AggregateOptions } from './aggregate-metadata';
// For tooling (the test fixture, back ends), not applications: the one command dispatch and event application path.
export { applyEvent, processCommand, processCreation } from './aggregate-metadata';
export type { AggregateDefinition } from './aggregate-metadata';
