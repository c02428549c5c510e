export * from './publication-log';
