import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeMachine } from './machine';
import { Chart, svgLogLogChart } from './chart';

/** One benchmark's outcome: its table rows and whether it met its target. */
export interface Section {
  readonly title: string;
  readonly target: string;
  readonly met: boolean | 'not measured' | `not measured ${string}` | 'no target';
  readonly columns: string[];
  readonly rows: Array<Array<string | number>>;
  readonly notes?: string[];
  readonly data: unknown;
  /** Drawn as an SVG beside the results where a curve says more than the table. */
  readonly chart?: Chart;
}

export function writeResults(dir: string, sections: Section[]): { json: string; markdown: string } {
  mkdirSync(dir, { recursive: true });
  const machine = describeMachine();
  const json = path.join(dir, 'results.json');
  writeFileSync(json, JSON.stringify({ machine, sections }, null, 2));
  const lines = [
    '# Benchmark results',
    '',
    `Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}. Run ${machine.date}.`,
    'Every figure is the median of several runs; every comparison was measured side by side in this run.',
    '',
  ];
  for (const s of sections) {
    lines.push(`## ${s.title}`, '', `Target: ${s.target} — **${s.met === true ? 'met' : s.met === false ? 'MISSED' : s.met}**`, '');
    lines.push(`| ${s.columns.join(' | ')} |`, `| ${s.columns.map(() => '---').join(' | ')} |`);
    for (const row of s.rows) lines.push(`| ${row.join(' | ')} |`);
    if (s.notes?.length) lines.push('', ...s.notes.map((n) => `- ${n}`));
    if (s.chart) {
      writeFileSync(path.join(dir, s.chart.file), svgLogLogChart(s.chart));
      lines.push('', `![${s.chart.title}](${s.chart.file})`);
    }
    lines.push('');
  }
  const markdown = path.join(dir, 'results.md');
  writeFileSync(markdown, lines.join('\n'));
  return { json, markdown };
}
