export * from './aggregate-fixture';
export * from './subscriber-fixture';
export * from './contract/event-store-contract';
export * from './contract/contract-model';
export * from './contract/transport-contract';
export * from './contract/dead-letter-store-contract';
