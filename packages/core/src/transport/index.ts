export * from './event-transport';
export * from './dead-letters';
