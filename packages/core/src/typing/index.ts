export * from './class';
export * from './event';
export * from './stored-event';
export * from './event-envelope';
