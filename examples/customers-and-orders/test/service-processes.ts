import { ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { eventually } from '@eventloom/testing';
import { DeploymentOptions, deploymentPlan, DistributedDeployment, stopped } from './distributed-deployment';

export type ServiceName = 'customer-service' | 'order-history-service' | 'order-service';
const SERVICES: readonly ServiceName[] = ['customer-service', 'order-history-service', 'order-service'];

export interface ServiceProcesses extends DistributedDeployment {
  /** kill -9: the service dies at whatever it was doing. */
  kill(service: ServiceName): Promise<void>;
  /** Starts the service again and resolves once it answers GET /health/ready. */
  restart(service: ServiceName): Promise<void>;
}

/**
 * The three services of `npm run start:distributed` as separate processes of
 * the test's own (start-all stops them all when one dies), so that one can be
 * killed and restarted while the others run.
 */
export async function startServiceProcesses(options: DeploymentOptions = {}): Promise<ServiceProcesses> {
  const plan = await deploymentPlan(options);
  const children = new Map<ServiceName, ChildProcess>();
  let output = '';
  const portOf = (service: ServiceName) => plan.base + SERVICES.indexOf(service);
  const start = async (service: ServiceName) => {
    const child = fork(path.join(__dirname, '..', 'dist', 'distributed', `${service}.js`), {
      env: { ...plan.env, PORT: String(portOf(service)) },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    children.set(service, child);
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`${service} exited with ${child.exitCode}:\n${output}`);
        return (await fetch(`http://127.0.0.1:${portOf(service)}/health/ready`).catch(() => undefined))?.ok === true;
      },
      `${service} ready`,
      options.readyTimeoutMs ?? 90_000,
      200,
    );
  };
  const stop = async () => {
    await Promise.all([...children.values()].map(stopped));
    await plan.dropDatabases();
  };
  try {
    for (const service of SERVICES) await start(service);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    urls: plan.urls,
    output: () => output,
    databaseOf: plan.databaseOf,
    stop,
    async kill(service) {
      const child = children.get(service)!;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      });
    },
    restart: start,
  };
}
