export * from './in-memory-event-store';
export * from './in-memory-transport';
export * from './embedded';
