import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { eventually } from '@eventloom/testing';

/** The shipped CLI (`eventloom`, @eventloom/cli), from its sources: give it `publisher ...` to run the publisher. */
export const eventloomCli = path.join(__dirname, '..', '..', 'cli', 'src', 'cli.ts');

/** The publisher with a slowed Kafka sink (--send-delay-ms), so that a killed leader is caught mid-stream. */
export const slowedPublisherProgram = path.join(__dirname, 'slowed-publisher.ts');

/** A publisher program in a child process, running the TypeScript sources. */
export class ChildPublisher {
  readonly output: string[] = [];
  private exited = false;

  private constructor(readonly process: ChildProcess) {
    const collect = (chunk: Buffer) => this.output.push(...chunk.toString().split('\n').filter(Boolean));
    process.stdout!.on('data', collect);
    process.stderr!.on('data', collect);
    process.on('exit', () => (this.exited = true));
  }

  /** Starts `program` and waits until it prints `readyLine`. */
  static async start(program: string, args: string[], readyLine = 'publisher started'): Promise<ChildPublisher> {
    const child = spawn(process.execPath, ['-r', path.join(__dirname, 'register.js'), program, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const publisher = new ChildPublisher(child);
    await eventually(() => publisher.saw(readyLine) || publisher.exited, 'the child program to start', 60_000);
    if (publisher.exited) throw new Error(`child publisher exited:\n${publisher.output.join('\n')}`);
    return publisher;
  }

  get pid(): number {
    return this.process.pid!;
  }

  saw(text: string): boolean {
    return this.output.some((line) => line.includes(text));
  }

  get leads(): boolean {
    return this.saw(' leads (lock');
  }

  /** kill -9: no goodbye to MySQL or Kafka. */
  async crash(): Promise<void> {
    if (this.exited) return;
    this.process.kill('SIGKILL');
    await eventually(() => this.exited, 'the child publisher to die');
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    this.process.kill('SIGTERM');
    await eventually(() => this.exited, 'the child publisher to stop', 30_000);
  }
}
