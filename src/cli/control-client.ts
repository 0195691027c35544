/** The CLI's side of the control API: small JSON requests to a running mesh on 127.0.0.1. */
import http from 'node:http';

export const DEFAULT_CONTROL_PORT = 15000;

export class ControlError extends Error {}

export interface ControlResponse<T> {
  status: number;
  body: T;
}

export function controlPortOf(opt: string | number | undefined): number {
  const v = opt ?? process.env.TACK_CONTROL_PORT ?? DEFAULT_CONTROL_PORT;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0 || n > 65535) throw new ControlError(`invalid control port "${String(v)}"`);
  return n;
}

export function request<T>(port: number, method: string, path: string, body?: unknown, timeoutMs = 30_000): Promise<ControlResponse<T>> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      { host: '127.0.0.1', port, method, path, agent: false, headers: text ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const type = res.headers['content-type'] ?? '';
          try {
            resolve({ status: res.statusCode ?? 0, body: (type.includes('json') ? JSON.parse(raw) : raw) as T });
          } catch {
            reject(new ControlError(`malformed answer from the control plane on port ${port}`));
          }
        });
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timed out')));
    req.on('error', (err: NodeJS.ErrnoException) => {
      reject(new ControlError(err.code === 'ECONNREFUSED' ? `cannot reach a tack mesh on 127.0.0.1:${port}: start one with \`tack up -f <manifests>\` (or pass --control-port)` : `control plane on port ${port}: ${err.message}`));
    });
    req.end(text);
  });
}
