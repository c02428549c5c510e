import { KafkaOptions, StoreOptions } from './operator-options';
import { OperatorContext } from './operator-context';

/** Opens the context from a command's options, runs the action, closes it; the action may give an exit code. */
export type RunWithContext = (action: (context: OperatorContext) => Promise<number | void>, options: StoreOptions & Partial<KafkaOptions>) => Promise<void>;
