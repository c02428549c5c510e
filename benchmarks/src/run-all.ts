import path from 'node:path';
import { embeddedBenchmark } from './embedded/embedded.bench';
import { Section, writeResults } from './report/results';

/** `npm run bench`: runs every benchmark on this machine and writes benchmarks/results/. */
async function main(): Promise<void> {
  const runs = Number(process.env.BENCH_RUNS ?? 5);
  const only = process.env.BENCH_ONLY?.split(',');
  const sections: Section[] = [];
  const want = (name: string) => !only || only.includes(name);
  if (want('embedded')) sections.push(embeddedBenchmark(runs));
  const out = writeResults(path.join(__dirname, '..', 'results'), sections);
  console.log(`Wrote ${out.markdown} and ${out.json}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
