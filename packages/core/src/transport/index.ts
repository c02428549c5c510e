export * from './aggregate-key';
export * from './event-transport';
export * from './checkpoints';
export * from './aggregate-queues';
export * from './publication-log-transport';
