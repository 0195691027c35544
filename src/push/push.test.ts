/**
 * The push protocol with a real proxy in process: a config the proxy cannot apply is NACKed and the
 * previous one keeps serving; a proxy that loses the control plane keeps its config and picks up
 * changes when the control plane returns. And on the wire: a whole config first, then deltas.
 */
import { describe, it, expect, afterEach } from 'vitest';
import net from 'node:net';
import http from 'node:http';
import { PushServer } from './index.js';
import { createControlServer } from '../control/server.js';
import { startProxy, type RunningProxy } from '../proxy/index.js';
import { meshFromYaml, gatewayWorkload } from '../../test/support/mesh-fixture.js';
import { freePort } from '../../test/support/mesh.js';
import type { AckMessage, ConfigDelta, ProxyConfig, PushMessage } from '../compile/config.js';
import { compileProxyConfig } from '../compile/index.js';
import { applyDelta } from '../proxy/config-delta.js';
import { LineSplitter } from '../proxy/ndjson.js';

const GATEWAY_VS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: hello}
spec:
  hosts: ["*"]
  gateways: [istio-system/ingressgateway]
  http:
  - directResponse: {status: 200, body: {string: "version one"}}
`;

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(`${res.statusCode} ${body}`));
    }).on('error', reject);
  });
}

/** A config stream read by hand, to see what goes over the wire. */
function rawStream(port: number, namespace: string, pod: string): { next(): Promise<PushMessage>; close(): void } {
  const queue: PushMessage[] = [];
  const waiting: ((m: PushMessage) => void)[] = [];
  const req = http.get({ host: '127.0.0.1', port, path: `/v1/proxies/${namespace}/${pod}/config`, agent: false }, (res) => {
    const lines = new LineSplitter((line) => {
      const m = JSON.parse(line) as PushMessage;
      if (m.type === 'ping') return;
      const w = waiting.shift();
      if (w) w(m);
      else queue.push(m);
    });
    res.setEncoding('utf8');
    res.on('data', (c: string) => lines.push(c));
  });
  req.on('error', () => undefined);
  return {
    next: () => {
      const m = queue.shift();
      return m ? Promise.resolve(m) : new Promise((resolve) => waiting.push(resolve));
    },
    close: () => req.destroy(),
  };
}

function postAck(port: number, namespace: string, pod: string, ack: AckMessage): Promise<void> {
  const body = JSON.stringify(ack);
  return new Promise((resolve, reject) => {
    http
      .request({ host: '127.0.0.1', port, method: 'POST', path: `/v1/proxies/${namespace}/${pod}/ack`, agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      })
      .on('error', reject)
      .end(body);
  });
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('condition not met in time');
}

describe('push protocol', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.reverse()) await c();
    cleanups.length = 0;
  });

  async function setup() {
    const { store } = meshFromYaml(GATEWAY_VS);
    const gw = gatewayWorkload();
    const listenPort = await freePort();
    store.putWorkload({ ...gw, gatewayPorts: { 80: listenPort } });
    const push = new PushServer(store);
    const controlPort = await freePort();
    const server = createControlServer({ store, push, version: 'test', log: () => undefined });
    await new Promise<void>((r) => server.listen(controlPort, '127.0.0.1', () => r()));
    cleanups.push(() => {
      push.close();
      server.closeAllConnections();
      server.close();
    });
    const proxy: RunningProxy = startProxy({ control: `127.0.0.1:${controlPort}`, namespace: gw.namespace, pod: gw.name, log: () => undefined });
    cleanups.push(() => proxy.stop());
    await until(() => push.hasConfig(gw.namespace, gw.name));
    return { store, push, server, proxy, gw, listenPort, controlPort };
  }

  it('NACKs a config it cannot apply and keeps serving the previous one', async () => {
    const { store, push, gw, listenPort } = await setup();
    expect(await get(listenPort)).toBe('200 version one');
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => void blocker.close());
    const busy = (blocker.address() as net.AddressInfo).port;
    store.putWorkload({ ...gw, gatewayPorts: { 80: busy } });
    await until(() => push.status()[0]?.state === 'NACK');
    expect(push.status()[0]?.error).toContain(`127.0.0.1:${busy} is already in use`);
    expect(await get(listenPort)).toBe('200 version one');
  });

  it('keeps the last config without a control plane, and resumes when it returns', async () => {
    const { store, push, server, proxy, gw, listenPort, controlPort } = await setup();
    push.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    expect(await get(listenPort)).toBe('200 version one');
    // A new control plane on the same port, with changed routing.
    store.apply(meshFromYaml(GATEWAY_VS.replace('version one', 'version two')).resources);
    const push2 = new PushServer(store);
    const server2 = createControlServer({ store, push: push2, version: 'test', log: () => undefined });
    await new Promise<void>((r) => server2.listen(controlPort, '127.0.0.1', () => r()));
    cleanups.push(() => {
      push2.close();
      server2.closeAllConnections();
      server2.close();
    });
    await until(() => push2.hasConfig(gw.namespace, gw.name), 10_000);
    expect(await get(listenPort)).toBe('200 version two');
    expect(proxy.current()?.version).toBe(String(store.revision));
  });

  it('sends a whole config first, then deltas; a whole one again after a NACK and on a new stream', async () => {
    const { store } = meshFromYaml(GATEWAY_VS);
    const gw = gatewayWorkload();
    store.putWorkload(gw);
    const push = new PushServer(store);
    const port = await freePort();
    const server = createControlServer({ store, push, version: 'test', log: () => undefined });
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
    cleanups.push(() => {
      push.close();
      server.closeAllConnections();
      server.close();
    });
    const compiled = (): ProxyConfig => compileProxyConfig(store.snapshot(), gw);
    const say = (text: string): void => void store.apply(meshFromYaml(GATEWAY_VS.replace('version one', text)).resources);
    const stream = rawStream(port, gw.namespace, gw.name);
    cleanups.push(() => stream.close());

    const first = await stream.next();
    if (first.type !== 'config') throw new Error(`expected a whole config, got ${first.type}`);
    await postAck(port, gw.namespace, gw.name, { version: first.version, ok: true });

    say('version two');
    push.flush();
    const second = await stream.next();
    expect(second.type).toBe('delta');
    const delta = second as ConfigDelta;
    expect(delta.base).toBe(first.version);
    // One virtual host changed: neither listeners nor clusters travel.
    expect(Object.keys(delta).sort()).toEqual(['base', 'routes', 'type', 'version']);
    const merged = applyDelta(first.config, delta);
    expect(merged).toStrictEqual(compiled());
    await postAck(port, gw.namespace, gw.name, { version: delta.version, ok: true });
    // What the control plane shows for the proxy is the whole config.
    await until(() => push.ackedConfig(gw.namespace, gw.name)?.version === delta.version);
    expect(push.ackedConfig(gw.namespace, gw.name)).toStrictEqual(merged);

    // A change that leaves this proxy's config as it was sends nothing.
    store.apply(meshFromYaml('apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: unrelated}\nspec: {host: unrelated}\n').resources);
    push.flush();
    expect(push.status()[0]?.sentVersion).toBe(delta.version);

    say('version three');
    push.flush();
    const third = await stream.next();
    expect(third.type).toBe('delta');
    await postAck(port, gw.namespace, gw.name, { version: (third as ConfigDelta).version, ok: false, error: 'no' });
    await until(() => push.status()[0]?.state === 'NACK');
    say('version four');
    push.flush();
    const fourth = await stream.next();
    expect(fourth.type).toBe('config');
    expect(fourth.type === 'config' && fourth.config).toStrictEqual(compiled());

    const again = rawStream(port, gw.namespace, gw.name);
    cleanups.push(() => again.close());
    const fifth = await again.next();
    expect(fifth.type).toBe('config');
    expect(fifth.type === 'config' && fifth.version).toBe(String(store.revision));
  });
});
