/** Readiness probes as the kubelet runs them (httpGet, tcpSocket, exec), against local ports. */
import http from 'node:http';
import net from 'node:net';
import { spawn } from 'node:child_process';
import type { Probe } from '../../api/kinds/pod-spec.js';

export interface ProbeTarget {
  /** The app port for a container port number or name. */
  appPort(port: number | string): number | undefined;
  env: Record<string, string>;
}

function tcpOpen(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

function httpOk(port: number, path: string, headers: Record<string, string>, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, headers, agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve(code >= 200 && code < 400);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

function execOk(command: readonly string[], env: Record<string, string>, timeoutMs: number): Promise<boolean> {
  const [cmd, ...args] = command;
  if (!cmd) return Promise.resolve(false);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });
}

/** One run of a probe. Without a probe, a container is ready once its first port accepts connections. */
export function runProbe(probe: Probe | undefined, target: ProbeTarget, defaultPort: number | undefined): Promise<boolean> {
  const timeoutMs = (probe?.timeoutSeconds ?? 1) * 1000;
  if (!probe) return defaultPort === undefined ? Promise.resolve(true) : tcpOpen(defaultPort, timeoutMs);
  if (probe.httpGet) {
    const port = target.appPort(probe.httpGet.port);
    if (port === undefined) return Promise.resolve(false);
    const headers = Object.fromEntries((probe.httpGet.httpHeaders ?? []).map((h) => [h.name, h.value]));
    return httpOk(port, probe.httpGet.path ?? '/', headers, timeoutMs);
  }
  if (probe.tcpSocket) {
    const port = target.appPort(probe.tcpSocket.port);
    return port === undefined ? Promise.resolve(false) : tcpOpen(port, timeoutMs);
  }
  if (probe.exec?.command) return execOk(probe.exec.command, target.env, timeoutMs);
  if (probe.grpc) {
    const port = target.appPort(probe.grpc.port);
    return port === undefined ? Promise.resolve(false) : tcpOpen(port, timeoutMs);
  }
  return Promise.resolve(true);
}
