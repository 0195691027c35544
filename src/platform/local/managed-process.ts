/**
 * A container's process: started with its log file as stdout/stderr, restarted with Kubernetes'
 * growing back-off when it exits, and stopped by its own process group id, never by name.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, mkdirSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  logFile: string;
}

export type ProcessState = 'starting' | 'running' | 'backoff' | 'stopped' | 'failed';

const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 300_000;
/** Running this long resets the back-off, as the kubelet does. */
const STABLE_MS = 600_000;

export class ManagedProcess {
  private child: ChildProcess | undefined;
  private stopping = false;
  private backoffMs = FIRST_BACKOFF_MS;
  private restartTimer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  state: ProcessState = 'starting';
  restarts = 0;
  lastExit: { code: number | null; signal: NodeJS.Signals | null; at: number } | undefined;

  constructor(
    readonly spec: ProcessSpec,
    private readonly onChange: (p: ManagedProcess) => void,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    if (this.stopping) return;
    mkdirSync(dirname(this.spec.logFile), { recursive: true });
    const fd = openSync(this.spec.logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(this.spec.command, this.spec.args, {
        env: this.spec.env,
        ...(this.spec.cwd ? { cwd: this.spec.cwd } : {}),
        stdio: ['ignore', fd, fd],
        // Its own process group, so stopping it also stops anything it started.
        detached: true,
      });
    } catch (err) {
      writeSync(fd, `tack: cannot start ${this.spec.command}: ${(err as Error).message}\n`);
      closeSync(fd);
      this.exited(null, null);
      return;
    }
    closeSync(fd);
    this.child = child;
    this.startedAt = Date.now();
    this.state = 'running';
    child.once('error', (err) => {
      try {
        const efd = openSync(this.spec.logFile, 'a');
        writeSync(efd, `tack: cannot start ${this.spec.command}: ${err.message}\n`);
        closeSync(efd);
      } catch {
        // the log is best effort
      }
    });
    child.once('exit', (code, signal) => this.exited(code, signal));
    this.onChange(this);
  }

  private exited(code: number | null, signal: NodeJS.Signals | null): void {
    this.child = undefined;
    this.lastExit = { code, signal, at: Date.now() };
    if (this.stopping) {
      this.state = 'stopped';
      this.onChange(this);
      return;
    }
    if (Date.now() - this.startedAt > STABLE_MS) this.backoffMs = FIRST_BACKOFF_MS;
    this.state = 'backoff';
    this.restarts++;
    this.onChange(this);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.start();
    }, this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
  }

  /** SIGTERM to the process group, SIGKILL after the grace period. */
  stop(graceMs: number): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.pid === undefined) {
      this.state = 'stopped';
      return Promise.resolve();
    }
    const pid = child.pid;
    return new Promise((resolve) => {
      const kill = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      signalGroup(pid, 'SIGTERM');
    });
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}
