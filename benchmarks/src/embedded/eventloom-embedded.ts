import 'reflect-metadata';
import { Aggregate, AggregateRepository, Apply, Event, CommandHandler, Instrumentation, instrumentations } from '@eventloom/core';
import { InMemoryEventStore } from '@eventloom/in-memory';
import { EmbeddedResult } from './workload';
import { EventloomMetrics } from '@eventloom/prometheus';
import { EventloomTracing } from '@eventloom/opentelemetry';

@Event('BenchAccountOpened')
class AccountOpened {
  constructor(readonly owner: string) {}
}
@Event('BenchDeposited')
class Deposited {
  constructor(readonly amount: number) {}
}
class OpenAccount {
  constructor(readonly owner: string) {}
}
class Deposit {
  constructor(readonly amount: number) {}
}

@Aggregate('BenchAccount')
class Account {
  balance = 0;
  @CommandHandler(OpenAccount) open(command: OpenAccount) {
    return new AccountOpened(command.owner);
  }
  @CommandHandler(Deposit) deposit(command: Deposit) {
    return new Deposited(command.amount);
  }
  @Apply(AccountOpened) opened(_event: AccountOpened) {}
  @Apply(Deposited) deposited(event: Deposited) {
    this.balance += event.amount;
  }
}

/** Runs in its own process: `node eventloom-embedded.js <aggregates> <updatesEach>`; prints one JSON result. */
async function main(): Promise<void> {
  const aggregates = Number(process.argv[2]);
  const updatesEach = Number(process.argv[3] ?? 10);
  // Warm the JIT on a throwaway store, as the peer's script does, so that both measure steady state.
  await workload(2_000, updatesEach);
  const result = await workload(aggregates, updatesEach);
  process.stdout.write(JSON.stringify(result));
}

/**
 * BENCH_INSTRUMENTATION (the observability benchmark): 'metrics' (prom-client),
 * 'tracing' (the OpenTelemetry API with no SDK registered), 'both'; unset: none.
 */
function instrumentation(): Instrumentation | undefined {
  switch (process.env.BENCH_INSTRUMENTATION ?? 'off') {
    case 'off':
      return undefined;
    case 'metrics':
      return new EventloomMetrics();
    case 'tracing':
      return new EventloomTracing();
    case 'both':
      return instrumentations(new EventloomMetrics(), new EventloomTracing());
    default:
      throw new Error(`BENCH_INSTRUMENTATION must be off, metrics, tracing or both, got '${process.env.BENCH_INSTRUMENTATION}'.`);
  }
}

async function workload(aggregates: number, updatesEach: number): Promise<EmbeddedResult> {
  const repository = new AggregateRepository(new InMemoryEventStore(), { instrumentation: instrumentation() });
  const ids: string[] = [];
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < aggregates; i++) ids.push((await repository.create(Account, new OpenAccount(`owner-${i}`))).id);
  for (let round = 0; round < updatesEach; round++) {
    for (const id of ids) await repository.update(Account, id, new Deposit(1));
  }
  const millis = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMillis = (cpu.user + cpu.system) / 1000;
  const check = await repository.find(Account, ids[aggregates - 1]);
  if (check.aggregate.balance !== updatesEach) throw new Error('workload did not apply every deposit');
  const commands = aggregates * (1 + updatesEach);
  return { commands, millis, commandsPerSecond: (commands / millis) * 1000,
    commandsPerCpuSecond: (commands / cpuMillis) * 1000,
    rssMegabytes: process.memoryUsage().rss / 2 ** 20 };
}

void main();
