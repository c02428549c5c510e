/** A constructor of T. Commands, events and aggregates are plain classes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Class<T = unknown> = new (...args: any[]) => T;
