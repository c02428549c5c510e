import os from 'node:os';
import path from 'node:path';
import { embeddedBenchmark } from './embedded/embedded.bench';
import { latencyBenchmark } from './kafka/latency.bench';
import { publisherBenchmark } from './kafka/publisher.bench';
import { loadBenchmark } from './load/load.bench';
import { mysqlCreateBenchmark } from './mysql/mysql-create.bench';
import { mysqlUpdateBenchmark } from './mysql/mysql-update.bench';
import { mysqlHotAggregateBenchmark } from './mysql/mysql-hot-aggregate.bench';
import { Section, writeResults } from './report/results';
import { upcastingBenchmark } from './upcasting/upcasting.bench';
import { viewsBenchmark } from './views/views.bench';
import { scaleOutBenchmark } from './scale-out/scale-out.bench';
import { observabilityBenchmark } from './observability/observability.bench';
import { sagaCostBenchmark } from './saga-cost/saga-cost.bench';

/**
 * `npm run bench`: runs every benchmark on this machine and writes benchmarks/results/.
 * BENCH_RUNS (default 5) runs per figure; BENCH_ONLY=name,name picks benchmarks:
 * mysql-create, mysql-update, mysql-hot-aggregate, load, upcasting, publisher, latency, embedded, views, scale-out, observability, saga-cost.
 * BENCH_EMBEDDED_SIZES=2000,1000000 picks embedded's cells (default 2000,20000,1000000; the first and last set its ratio).
 * BENCH_SAGA_COST_ORDERS (default 400) and BENCH_SAGA_COST_CALLERS (default 8) size saga-cost's runs.
 * BENCH_VIEWS_EVENTS (default 100000) sets the views backlog; its target is stated for 1000000.
 */
async function main(): Promise<void> {
  const runs = Number(process.env.BENCH_RUNS ?? 5);
  const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
  const sections: Section[] = [];
  const want = (name: string) => !only || only.includes(name);
  const benchmarks: Array<[string, () => Promise<Section> | Section]> = [
    ['mysql-create', () => mysqlCreateBenchmark(runs)],
    ['mysql-update', () => mysqlUpdateBenchmark(runs)],
    ['mysql-hot-aggregate', () => mysqlHotAggregateBenchmark(runs)],
    ['load', () => loadBenchmark(runs)],
    ['upcasting', () => upcastingBenchmark(runs)],
    ['publisher', () => publisherBenchmark(Math.min(runs, Number(process.env.BENCH_PUBLISHER_RUNS ?? 3)))],
    ['latency', () => latencyBenchmark(runs)],
    ['embedded', () => embeddedBenchmark(runs, embeddedSizes())],
    ['views', () => viewsBenchmark(Math.min(runs, Number(process.env.BENCH_VIEWS_RUNS ?? 3)))],
    ['scale-out', () => scaleOutBenchmark(Math.min(runs, Number(process.env.BENCH_SCALE_OUT_RUNS ?? 3)))],
    ['observability', () => observabilityBenchmark(runs)],
    ['saga-cost', () => sagaCostBenchmark(runs)],
  ];
  for (const [name, bench] of benchmarks) {
    if (!want(name)) continue;
    process.stderr.write(`${name}\n`);
    const before = os.loadavg()[0];
    const started = Date.now();
    const section = await bench();
    // The machine may be shared: say how busy it was, so absolute figures can be read with that in mind.
    const context = `Took ${Math.round((Date.now() - started) / 1000)} s; 1-minute load average ${before.toFixed(1)} before, ${os.loadavg()[0].toFixed(1)} after (${os.cpus().length} CPUs).`;
    sections.push({ ...section, notes: [...(section.notes ?? []), context] });
  }
  const out = writeResults(path.join(__dirname, '..', 'results'), sections);
  console.log(`Wrote ${out.markdown} and ${out.json}`);
  // Kafka clients may keep timers alive; the results are written.
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

/** BENCH_EMBEDDED_SIZES: the embedded cells to run, e.g. `2000,1000000` to measure the flatness ratio without the 20,000 cell. */
function embeddedSizes(): number[] | undefined {
  const sizes = process.env.BENCH_EMBEDDED_SIZES?.split(',').map((s) => Number(s.trim()));
  if (sizes && sizes.some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new Error(`BENCH_EMBEDDED_SIZES must be positive integers separated by commas, got '${process.env.BENCH_EMBEDDED_SIZES}'.`);
  }
  return sizes;
}
