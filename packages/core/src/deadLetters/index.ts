export * from './dead-letter-store';
export * from './aggregate-parking';
export * from './undecodable';
export * from './retry-parked';
