/**
 * The proxy's subscription against a scripted control plane: deltas are merged into the config it
 * serves and applied whole; a delta that does not fit what it serves makes it subscribe again,
 * which gets it a whole config, rather than serve something the control plane did not mean.
 */
import { describe, it, expect, afterEach } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AckMessage, ConfigDelta, ProxyConfig, PushMessage } from '../compile/config.js';
import { ConfigSource } from './config-source.js';

function config(version: string, body: string): ProxyConfig {
  return {
    version,
    node: { id: 'p.ns', role: 'gateway', pod: 'p', namespace: 'ns', labels: {}, serviceAccount: 'default' },
    listeners: [{ name: 'l', direction: 'gateway', address: '127.0.0.1', port: 1, protocol: 'HTTP', routeTable: 'http.80' }],
    routes: { 'http.80': { name: 'http.80', virtualHosts: [{ name: 'a:80', domains: ['a'], routes: [{ name: 'r', match: {}, action: { kind: 'direct', status: 200, body } }] }, { name: 'b:80', domains: ['b'], routes: [] }] } },
    clusters: {},
    outboundTrafficPolicy: 'ALLOW_ANY',
  };
}

function bodyDelta(base: string, version: string, body: string): ConfigDelta {
  return { type: 'delta', version, base, routes: { virtualHosts: { 'http.80': { set: [{ name: 'a:80', domains: ['a'], routes: [{ name: 'r', match: {}, action: { kind: 'direct', status: 200, body } }] }] } } } };
}

/** A control plane that sends each new stream the next script in line, and records ACKs. */
async function scriptedControlPlane(scripts: PushMessage[][]): Promise<{ port: number; streams: () => number; acks: AckMessage[]; close(): void }> {
  let streams = 0;
  const acks: AckMessage[] = [];
  const server = http.createServer((req, res) => {
    if (req.method === 'POST') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        acks.push(JSON.parse(body) as AckMessage);
        res.end('{}');
      });
      return;
    }
    const script = scripts[streams++] ?? [];
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    for (const m of script) res.write(`${JSON.stringify(m)}\n`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    streams: () => streams,
    acks,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('config source', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.reverse()) c();
    cleanups.length = 0;
  });

  function start(port: number, apply: (c: ProxyConfig) => Promise<void> = () => Promise.resolve()): ProxyConfig[] {
    const applied: ProxyConfig[] = [];
    const source = new ConfigSource({
      control: `127.0.0.1:${port}`,
      namespace: 'ns',
      pod: 'p',
      log: () => undefined,
      apply: async (c) => {
        await apply(c);
        applied.push(c);
      },
    });
    source.start();
    cleanups.push(() => source.stop());
    return applied;
  }

  it('applies a delta merged into the config it serves, and ACKs it', async () => {
    const cp = await scriptedControlPlane([[{ type: 'config', version: '1', config: config('1', 'one') }, bodyDelta('1', '2', 'two')]]);
    cleanups.push(() => cp.close());
    const applied = start(cp.port);
    await until(() => cp.acks.length === 2);
    expect(cp.acks).toEqual([{ version: '1', ok: true }, { version: '2', ok: true }]);
    expect(applied[1]).toStrictEqual(config('2', 'two'));
    // What the delta left alone is the very object the proxy already had.
    expect(applied[1]?.routes['http.80']?.virtualHosts[1]).toBe(applied[0]?.routes['http.80']?.virtualHosts[1]);
  });

  it('subscribes again for a whole config when a delta is for another version', async () => {
    const cp = await scriptedControlPlane([
      [{ type: 'config', version: '1', config: config('1', 'one') }, bodyDelta('5', '6', 'six')],
      [{ type: 'config', version: '6', config: config('6', 'six') }],
    ]);
    cleanups.push(() => cp.close());
    const applied = start(cp.port);
    await until(() => cp.acks.length === 2);
    expect(cp.streams()).toBe(2);
    expect(cp.acks).toEqual([{ version: '1', ok: true }, { version: '6', ok: true }]);
    expect(applied.map((c) => c.version)).toEqual(['1', '6']);
  });

  it('does not build on a config it refused', async () => {
    const cp = await scriptedControlPlane([
      [{ type: 'config', version: '1', config: config('1', 'one') }, { type: 'config', version: '2', config: config('2', 'refuse me') }, bodyDelta('2', '3', 'three')],
      [{ type: 'config', version: '3', config: config('3', 'three') }],
    ]);
    cleanups.push(() => cp.close());
    const applied = start(cp.port, (c) => (JSON.stringify(c).includes('refuse me') ? Promise.reject(new Error('refused')) : Promise.resolve()));
    await until(() => cp.acks.length === 3);
    expect(cp.acks).toEqual([{ version: '1', ok: true }, { version: '2', ok: false, error: 'refused' }, { version: '3', ok: true }]);
    expect(applied.map((c) => c.version)).toEqual(['1', '3']);
    expect(applied[1]).toStrictEqual(config('3', 'three'));
  });
});
