export * from './decorators';
export * from './event-context';
export * from './delivery';
export { subscriberDefinition, aggregateTypesOf } from './subscriber-metadata';
export type { SubscriberDefinition } from './subscriber-metadata';
