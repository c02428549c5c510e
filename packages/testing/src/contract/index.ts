/** The behaviour every back end must have, as jest suites to run against it, and the model they use. */
export * from './event-store-contract';
export * from './transport-contract';
export * from './dead-letter-store-contract';
export * from './contract-model';
export * from './messaging-contract';
export * from './messaging-model';
export * from './lost-commit-acks';
