export * from './in-memory-event-store';
export * from './in-memory-transport';
export * from './in-memory-dead-letter-store';
export * from './in-memory-rebuild-marks';
export * from './embedded';
export * from './in-memory-transactions';
export * from './in-memory-table';
export * from './in-memory-messaging';
