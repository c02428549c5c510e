/** A line chart of one benchmark, drawn as a small self-contained SVG (no plotting dependency needed for two lines). */
export interface Chart {
  readonly file: string;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly lines: ReadonlyArray<{ readonly name: string; readonly points: ReadonlyArray<readonly [number, number]> }>;
}

const WIDTH = 640;
const HEIGHT = 400;
const PAD = { left: 70, right: 170, top: 40, bottom: 55 };
const COLOURS = ['#d62728', '#1f77b4', '#2ca02c', '#9467bd'];

/** Both axes logarithmic: history lengths and load times each span several decades. */
export function svgLogLogChart(chart: Chart): string {
  const all = chart.lines.flatMap((l) => l.points);
  const [xMin, xMax] = decades(all.map((p) => p[0]));
  const [yMin, yMax] = decades(all.map((p) => p[1]));
  const x = (v: number) => PAD.left + ((Math.log10(v) - xMin) / (xMax - xMin)) * (WIDTH - PAD.left - PAD.right);
  const y = (v: number) => HEIGHT - PAD.bottom - ((Math.log10(v) - yMin) / (yMax - yMin)) * (HEIGHT - PAD.top - PAD.bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${WIDTH / 2 - 60}" y="22" font-size="14" text-anchor="middle">${escape(chart.title)}</text>`,
  ];
  for (let d = xMin; d <= xMax; d++) {
    parts.push(`<line x1="${x(10 ** d)}" y1="${PAD.top}" x2="${x(10 ** d)}" y2="${HEIGHT - PAD.bottom}" stroke="#ddd"/>`);
    parts.push(`<text x="${x(10 ** d)}" y="${HEIGHT - PAD.bottom + 18}" text-anchor="middle">${format(10 ** d)}</text>`);
  }
  for (let d = yMin; d <= yMax; d++) {
    parts.push(`<line x1="${PAD.left}" y1="${y(10 ** d)}" x2="${WIDTH - PAD.right}" y2="${y(10 ** d)}" stroke="#ddd"/>`);
    parts.push(`<text x="${PAD.left - 8}" y="${y(10 ** d) + 4}" text-anchor="end">${format(10 ** d)}</text>`);
  }
  parts.push(`<text x="${(PAD.left + WIDTH - PAD.right) / 2}" y="${HEIGHT - 12}" text-anchor="middle">${escape(chart.xLabel)}</text>`);
  parts.push(`<text transform="translate(18 ${(PAD.top + HEIGHT - PAD.bottom) / 2}) rotate(-90)" text-anchor="middle">${escape(chart.yLabel)}</text>`);
  chart.lines.forEach((line, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const path = line.points.map(([px, py], j) => `${j ? 'L' : 'M'}${x(px).toFixed(1)},${y(py).toFixed(1)}`).join(' ');
    parts.push(`<path d="${path}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    for (const [px, py] of line.points) parts.push(`<circle cx="${x(px).toFixed(1)}" cy="${y(py).toFixed(1)}" r="3.5" fill="${colour}"/>`);
    const ly = PAD.top + 10 + i * 20;
    parts.push(`<line x1="${WIDTH - PAD.right + 12}" y1="${ly}" x2="${WIDTH - PAD.right + 32}" y2="${ly}" stroke="${colour}" stroke-width="2"/>`);
    parts.push(`<text x="${WIDTH - PAD.right + 38}" y="${ly + 4}">${escape(line.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function decades(values: number[]): [number, number] {
  const positive = values.filter((v) => v > 0);
  return [Math.floor(Math.log10(Math.min(...positive))), Math.ceil(Math.log10(Math.max(...positive)))];
}

function format(v: number): string {
  return v >= 1 ? v.toLocaleString('en') : String(v);
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
