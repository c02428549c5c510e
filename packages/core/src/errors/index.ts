export * from './eventloom-error';
export * from './errors';
