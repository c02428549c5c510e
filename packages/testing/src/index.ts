export * from './aggregate-fixture';
export * from './subscriber-fixture';
export { FixtureFailure } from './fixture-failure';
export * from './contract/event-store-contract';
export * from './contract/contract-model';
export * from './contract/transport-contract';
export * from './contract/dead-letter-store-contract';
