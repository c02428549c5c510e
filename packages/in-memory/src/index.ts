export * from './in-memory-event-store';
export * from './in-memory-transport';
export * from './in-memory-dead-letter-store';
export * from './in-memory-rebuild-marks';
export * from './embedded';
