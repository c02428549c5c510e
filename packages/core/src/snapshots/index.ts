export * from './snapshot-strategy';
