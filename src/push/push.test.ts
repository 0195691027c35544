/**
 * The push protocol with a real proxy in process: a config the proxy cannot apply is NACKed and the
 * previous one keeps serving; a proxy that loses the control plane keeps its config and picks up
 * changes when the control plane returns.
 */
import { describe, it, expect, afterEach } from 'vitest';
import net from 'node:net';
import http from 'node:http';
import { PushServer } from './index.js';
import { createControlServer } from '../control/server.js';
import { startProxy, type RunningProxy } from '../proxy/index.js';
import { meshFromYaml, gatewayWorkload } from '../../test/support/mesh-fixture.js';
import { freePort } from '../../test/support/mesh.js';

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
});
