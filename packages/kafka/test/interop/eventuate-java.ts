import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Java programs of the interop tests, on Eventuate's own code from Maven
 * Central: ./java (Eventuate Local's client) and ./java-tram (Eventuate Tram's
 * messaging, commands and saga participant), sibling projects because their
 * Eventuate versions differ. Each is built with Maven once and cached: target/
 * is rebuilt only when the pom or a source is newer than the build, and Maven
 * keeps the downloaded artifacts in ~/.m2. The first build on a machine
 * downloads them, bounded by `buildTimeoutMs`.
 */
export const buildTimeoutMs = 8 * 60_000;

export interface JavaProgram {
  /** Builds the program unless its build is newer than its sources. */
  build(): void;
  /** Runs it with `args`, feeding it `input` on stdin. */
  run(args: readonly string[], input?: string, timeoutMs?: number): JavaRun;
}

/** The Maven project in ./`directory` whose entry point is `mainClassName`. */
export function javaProgram(directory: string, mainClassName: string): JavaProgram {
  const project = join(__dirname, directory);
  const target = join(project, 'target');
  const classpathFile = join(target, 'classpath.txt');
  const mainClass = join(target, 'classes', ...mainClassName.split('.')) + '.class';
  const isBuilt = (): boolean => {
    if (!existsSync(mainClass) || !existsSync(classpathFile)) return false;
    const builtAt = Math.min(statSync(mainClass).mtimeMs, statSync(classpathFile).mtimeMs);
    return sources(project).every((file) => statSync(file).mtimeMs <= builtAt);
  };
  return {
    build: () => build(project, classpathFile, isBuilt),
    run: (args, input = '', timeoutMs = 45_000) =>
      runJava(`${join(target, 'classes')}:${readFileSync(classpathFile, 'utf8').trim()}`, mainClassName, args, input, timeoutMs),
  };
}

const eventuateLocal = javaProgram('java', 'dev.eventloom.interop.Interop');

export function buildEventuateJava(): void {
  eventuateLocal.build();
}

function build(project: string, classpathFile: string, isBuilt: () => boolean): void {
  if (isBuilt()) return;
  // The dependency plugin leaves an unchanged classpath file as it was (old), which would make the build look stale for ever.
  rmSync(classpathFile, { force: true });
  const started = Date.now();
  const result = spawnSync('mvn', ['-B', '-q', 'compile', 'dependency:build-classpath', `-Dmdep.outputFile=${classpathFile}`], {
    cwd: project,
    encoding: 'utf8',
    timeout: buildTimeoutMs,
  });
  if (result.error || result.status !== 0 || !isBuilt()) {
    const why = result.error ? String(result.error) : `exit ${result.status}`;
    throw new Error(
      `Building the Eventuate interop program in ${project} with Maven failed (${why}, after ${Date.now() - started} ms; needs Java 17+, mvn and Maven Central): ` +
        `${result.stdout ?? ''}\n${result.stderr ?? ''}`.slice(-4000),
    );
  }
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'target' ? [] : sources(path);
    return entry.name === 'pom.xml' || entry.name.endsWith('.java') ? [path] : [];
  });
}

export interface JavaRun {
  /** Resolves with the lines the program printed on stdout once it exits 0; rejects with its stderr otherwise. */
  readonly done: Promise<string[]>;
  kill(): void;
}

/** Runs the built program (`subscribe ...` or `produce ...`, see Interop.java), feeding it `input` on stdin. */
export function runEventuateJava(args: readonly string[], input = '', timeoutMs = 45_000): JavaRun {
  return eventuateLocal.run(args, input, timeoutMs);
}

function runJava(classpath: string, mainClassName: string, args: readonly string[], input: string, timeoutMs: number): JavaRun {
  const child = spawn('java', ['-cp', classpath, mainClassName, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.end(input, 'utf8');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<string[]>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout.split('\n').filter((line) => line.length > 0));
      else reject(new Error(`java ${args[0]} ended with ${signal ?? `exit ${code}`}; stdout:\n${stdout.slice(-3000)}\nstderr:\n${stderr.slice(-6000)}`));
    });
  });
  return { done, kill: () => child.kill('SIGKILL') };
}
