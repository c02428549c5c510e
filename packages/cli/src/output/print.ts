import { CliIo } from '../operator/cli-io';

/** Prints `data` as JSON (--json, for scripts) or as the lines `text` makes of it (for people). */
export function print<T>(io: CliIo, json: boolean | undefined, data: T, text: (data: T) => string[]): void {
  if (json) io.out(JSON.stringify(data, null, 2));
  else for (const line of text(data)) io.out(line);
}

/** Left-aligned columns under a header row. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly (string | number | undefined)[]>): string[] {
  const cells = [header, ...rows.map((r) => r.map((c) => (c === undefined ? '-' : String(c))))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
}

/** A duration in seconds, for people: 0.4s, 12s, 3m05s, 2h10m. */
export function seconds(value: number | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value < 10) return `${value.toFixed(1)}s`;
  if (value < 60) return `${Math.round(value)}s`;
  if (value < 3600) return `${Math.floor(value / 60)}m${String(Math.round(value % 60)).padStart(2, '0')}s`;
  return `${Math.floor(value / 3600)}h${String(Math.floor((value % 3600) / 60)).padStart(2, '0')}m`;
}
