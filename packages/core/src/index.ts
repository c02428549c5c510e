import 'reflect-metadata';

export * from './typing';
export * from './errors';
export * from './aggregates';
export * from './eventStore';
export * from './snapshots';
export * from './subscribers';
export * from './transport';
export * from './deadLetters';
export * from './rebuild';
export * from './publication';
export * from './runtime';
