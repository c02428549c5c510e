export * from './eventloom-error';
export * from './errors';
export * from './configuration-error';
export * from './describe-error';
export * from './infrastructure-failure';
