import { SingleBar } from 'cli-progress';
import { CliIo } from '../operator/cli-io';
import { ReplayProgress } from '../operator/replay';

/** Shows a replay's progress: a bar (events/s, percent, ETA) on a terminal, a line every few seconds otherwise; nothing with --json. */
export function replayProgress(io: CliIo, label: string, json: boolean | undefined): { update(progress: ReplayProgress): void; stop(): void } {
  if (json) return { update: () => undefined, stop: () => undefined };
  const started = Date.now();
  let first: ReplayProgress | undefined;
  const rate = (p: ReplayProgress) => (p.position - (first?.startPosition ?? p.startPosition)) / Math.max(0.001, (Date.now() - started) / 1000);
  if (!io.interactive) {
    let lastLine = 0;
    return {
      update(p) {
        first ??= p;
        if (Date.now() - lastLine < 5_000) return;
        lastLine = Date.now();
        const percent = p.target > p.startPosition ? Math.floor((100 * (p.position - p.startPosition)) / (p.target - p.startPosition)) : 100;
        io.err(`${label}: position ${p.position} of ${p.target} (${percent}%, ${Math.round(rate(p))} events/s)`);
      },
      stop: () => undefined,
    };
  }
  const bar = new SingleBar({
    format: `${label} [{bar}] {percentage}% | {value}/{total} events | {speed} events/s | ETA {eta_formatted}`,
    hideCursor: true,
    etaBuffer: 50,
  });
  return {
    update(p) {
      if (!first) {
        first = p;
        bar.start(Math.max(0, p.target - p.startPosition), 0, { speed: 0 });
      }
      bar.setTotal(Math.max(0, p.target - first.startPosition));
      bar.update(Math.max(0, p.position - first.startPosition), { speed: Math.round(rate(p)) });
    },
    stop: () => {
      if (first) bar.stop();
    },
  };
}
