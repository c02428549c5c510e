import { RunningApp } from '../app';

/** Starts a service, reports where it listens, and stops it cleanly on SIGINT/SIGTERM. */
export function runService(name: string, start: () => Promise<RunningApp>): void {
  start()
    .then((app) => {
      console.log(`${name} listening on ${app.url}`);
      let stopping = false;
      const stop = () => {
        if (stopping) return;
        stopping = true;
        app.close().then(
          () => process.exit(0),
          (error: unknown) => {
            console.error(`${name}: error while stopping`, error);
            process.exit(1);
          },
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    })
    .catch((error: unknown) => {
      console.error(`${name} failed to start: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    });
}
