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
  // A million aggregates of 11 events is ~5 GB of events in memory, past Node's default heap; both peers get the same room.
  const out = execFileSync(process.execPath, ['--max-old-space-size=16384', script, String(aggregates), String(updatesEach), String(maxSeconds)], {
    cwd: path.join(__dirname, '..', '..'),
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out) as PeerResult;
}

/** Runs of the largest cells take minutes each (11 million commands): one run there, `runs` elsewhere. */
const LARGE = 100_000;

/**
 * Benchmark 6: commands per second in memory, Eventloom against Emmett, each
 * run in a fresh process, alternating, so both see the same machine state.
 */
export function embeddedBenchmark(runs: number, sizes = [2_000, 20_000, 1_000_000], updatesEach = 10, peerMaxSeconds = 60): Section {
  const data: Record<string, { eventloom: PeerResult[]; emmett: PeerResult[] }> = {};
  for (const size of sizes) {
    data[size] = { eventloom: [], emmett: [] };
    const cellRuns = size > LARGE ? 1 : runs;
    for (let i = 0; i < cellRuns; i++) {
      data[size].eventloom.push(run(EVENTLOOM, size, updatesEach, 3600));
      data[size].emmett.push(run(EMMETT, size, updatesEach, peerMaxSeconds));
      process.stderr.write(`  embedded ${size}: run ${i + 1}/${cellRuns}\n`);
    }
  }
  const med = (rs: PeerResult[]) => median(rs.map((r) => r.commandsPerSecond));
  const medCpu = (rs: PeerResult[]) => median(rs.map((r) => r.commandsPerCpuSecond));
  const small = sizes[0];
  const large = sizes[sizes.length - 1];
  const rows = sizes.map((size) => {
    const ours = med(data[size].eventloom);
    const peer = med(data[size].emmett);
    const partial = data[size].emmett.some((r) => r.partial);
    const rss = median(data[size].eventloom.map((r) => r.rssMegabytes ?? 0));
    const oursCpu = medCpu(data[size].eventloom);
    const peerCpu = medCpu(data[size].emmett);
    return [
      size.toLocaleString('en'),
      round(ours, 0),
      `${round(peer, 0)}${partial ? ' (time-boxed, partial)' : ''}`,
      round(ours / peer, 2),
      round(oursCpu, 0),
      round(peerCpu, 0),
      round(oursCpu / peerCpu, 2),
      round(rss, 0),
    ];
  });
  const ourSmall = med(data[small].eventloom);
  const ourLarge = med(data[large].eventloom);
  const scaling = ourLarge / ourSmall;
  const scalingCpu = medCpu(data[large].eventloom) / medCpu(data[small].eventloom);
  const met = ourSmall >= 2 * med(data[small].emmett) && scaling >= 0.9;
  return {
    title: '6. Embedded runtime: commands/s in memory (create, then 10 updates each)',
    target: `Eventloom ≥ 2× Emmett at ${small.toLocaleString('en')} aggregates, and flat (≥ 0.9) from ${small.toLocaleString('en')} to ${large.toLocaleString('en')}`,
    met,
    columns: [
      'aggregates',
      'Eventloom cmd/s',
      'Emmett cmd/s',
      'Eventloom / Emmett',
      'Eventloom cmd/CPU-s',
      'Emmett cmd/CPU-s',
      'per CPU-s: Eventloom / Emmett',
      'Eventloom RSS (MB)',
    ],
    rows,
    notes: [
      `Eventloom ${large.toLocaleString('en')} / ${small.toLocaleString('en')} throughput ratio: ${round(scaling, 2)} (1.0 = no slowdown; counted as met at ≥ 0.9 for noise); per CPU-second of the process, ${round(scalingCpu, 2)}.`,
      'cmd/CPU-s divides by the process\'s own CPU time (every thread, the garbage collector\'s included), which the machine\'s other load changes least; met/missed is judged on wall-clock cmd/s.',
      `Emmett runs are time-boxed at ${peerMaxSeconds} s; a partial run reports the rate over the commands it completed.`,
      `${runs} runs per cell (1 above ${LARGE.toLocaleString('en')} aggregates), each in a fresh process with a 16 GB heap limit, Eventloom and Emmett alternating; RSS is the Eventloom process's at the end (every event is kept in memory).`,
    ],
    data,
  };
}
