import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Section } from '../report/results';
import { median, round } from '../report/stats';
import { EmbeddedResult } from '../embedded/workload';

const SCRIPT = path.join(__dirname, '..', 'embedded', 'eventloom-embedded.js');
const VARIANTS = ['off', 'metrics', 'tracing', 'both'] as const;
type Variant = (typeof VARIANTS)[number];

function run(variant: Variant, aggregates: number, updatesEach: number): EmbeddedResult {
  const out = execFileSync(process.execPath, [SCRIPT, String(aggregates), String(updatesEach)], {
    cwd: path.join(__dirname, '..', '..'),
    encoding: 'utf8',
    env: { ...process.env, BENCH_INSTRUMENTATION: variant },
  });
  return JSON.parse(out) as EmbeddedResult;
}

/**
 * What instrumentation costs: embedded commands/s (the repository, in
 * memory, where a command is cheapest and any overhead shows most) without
 * instrumentation, with EventloomMetrics, with EventloomTracing on the bare
 * OpenTelemetry API (no SDK: what a user who installs none pays), and both.
 * Each run in a fresh process, the variants alternating.
 */
export function observabilityBenchmark(runs: number, aggregates = 20_000, updatesEach = 10): Section {
  const data: Record<Variant, EmbeddedResult[]> = { off: [], metrics: [], tracing: [], both: [] };
  for (let i = 0; i < runs; i++) {
    for (const variant of VARIANTS) data[variant].push(run(variant, aggregates, updatesEach));
    process.stderr.write(`  observability: run ${i + 1}/${runs}\n`);
  }
  const med = (variant: Variant) => median(data[variant].map((r) => r.commandsPerSecond));
  const medCpu = (variant: Variant) => median(data[variant].map((r) => r.commandsPerCpuSecond));
  const off = med('off');
  const offCpu = medCpu('off');
  const rows = VARIANTS.map((variant) => [variant, round(med(variant), 0), round(med(variant) / off, 3), round(medCpu(variant), 0), round(medCpu(variant) / offCpu, 3)]);
  return {
    title: 'Observability: embedded commands/s with instrumentation off and on',
    target: 'metrics within 15% of off (≥ 0.85)',
    met: med('metrics') / off >= 0.85,
    columns: ['instrumentation', 'cmd/s', 'vs off', 'cmd/CPU-s', 'per CPU-s vs off'],
    rows,
    notes: [
      `${aggregates.toLocaleString('en')} aggregates, a create and ${updatesEach} updates each; ${runs} runs per variant, each in a fresh process, variants alternating; medians.`,
      "'tracing' runs EventloomTracing on @opentelemetry/api with no SDK registered (non-recording spans); 'both' is instrumentations(metrics, tracing).",
    ],
    data,
  };
}
