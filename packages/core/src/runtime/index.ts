export * from './eventloom';
export * from './logger';
export * from './backoff';
export * from './ids';
