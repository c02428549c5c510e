import { describeError } from '../errors/describe-error';
import { HealthCheck } from './health-report';

/** Runs one check, bounded: a throw or a hang becomes a failed check naming the component. */
export async function boundedCheck(component: string, timeoutMs: number, check: () => Promise<Omit<HealthCheck, 'component'>>): Promise<HealthCheck> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Omit<HealthCheck, 'component'>>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `did not answer within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    const result = await Promise.race([check().catch((error: unknown) => ({ ok: false, detail: `unavailable: ${describeError(error)}` })), timeout]);
    return { component, ...result };
  } finally {
    clearTimeout(timer);
  }
}
