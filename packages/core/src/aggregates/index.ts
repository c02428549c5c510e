export * from './decorators';
export * from './aggregate-repository';
export { aggregateDefinition } from './aggregate-metadata';
export type { AggregateDefinition, AggregateOptions } from './aggregate-metadata';
