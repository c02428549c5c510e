export * from './publication-log';
export * from './publication-sink';
