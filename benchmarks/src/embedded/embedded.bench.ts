import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Section } from '../report/results';
import { median, round } from '../report/stats';
import { EmbeddedResult } from './workload';

interface PeerResult extends EmbeddedResult {
  partial?: boolean;
}

const EVENTLOOM = path.join(__dirname, 'eventloom-embedded.js');
const EMMETT = path.join(__dirname, '..', '..', 'src', 'embedded', 'emmett-embedded.mjs');

function run(script: string, aggregates: number, updatesEach: number, maxSeconds: number): PeerResult {
  const out = execFileSync(process.execPath, [script, String(aggregates), String(updatesEach), String(maxSeconds)], {
    cwd: path.join(__dirname, '..', '..'),
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out) as PeerResult;
}

/**
 * Benchmark 6: commands per second in memory, Eventloom against Emmett, each
 * run in a fresh process, alternating, so both see the same machine state.
 */
export function embeddedBenchmark(runs: number, sizes = [2_000, 20_000], updatesEach = 10, peerMaxSeconds = 60): Section {
  const data: Record<string, { eventloom: PeerResult[]; emmett: PeerResult[] }> = {};
  for (const size of sizes) {
    data[size] = { eventloom: [], emmett: [] };
    for (let i = 0; i < runs; i++) {
      data[size].eventloom.push(run(EVENTLOOM, size, updatesEach, 3600));
      data[size].emmett.push(run(EMMETT, size, updatesEach, peerMaxSeconds));
      process.stderr.write(`  embedded ${size}: run ${i + 1}/${runs}\n`);
    }
  }
  const med = (rs: PeerResult[]) => median(rs.map((r) => r.commandsPerSecond));
  const [small, large] = sizes;
  const rows = sizes.map((size) => {
    const ours = med(data[size].eventloom);
    const peer = med(data[size].emmett);
    const partial = data[size].emmett.some((r) => r.partial);
    return [size.toLocaleString('en'), round(ours, 0), `${round(peer, 0)}${partial ? ' (time-boxed, partial)' : ''}`, round(ours / peer, 2)];
  });
  const ourSmall = med(data[small].eventloom);
  const ourLarge = med(data[large].eventloom);
  const scaling = ourLarge / ourSmall;
  const met = ourSmall >= med(data[small].emmett) && scaling >= 0.9;
  return {
    title: '6. Embedded runtime: commands/s in memory (create, then 10 updates each)',
    target: 'Eventloom ≥ Emmett at 2,000 aggregates, and no slowdown from 2,000 to 20,000',
    met,
    columns: ['aggregates', 'Eventloom cmd/s', 'Emmett cmd/s', 'Eventloom / Emmett'],
    rows,
    notes: [
      `Eventloom ${large.toLocaleString('en')} / ${small.toLocaleString('en')} throughput ratio: ${round(scaling, 2)} (1.0 = no slowdown; counted as met at ≥ 0.9 for noise).`,
      `Emmett runs are time-boxed at ${peerMaxSeconds} s; a partial run reports the rate over the commands it completed.`,
      `${runs} runs per cell, each in a fresh process, Eventloom and Emmett alternating.`,
    ],
    data,
  };
}
