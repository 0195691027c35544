import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigStore } from '../../store/index.js';
import { createKubeApi } from './handler.js';
import { VersionTracker } from './versions.js';

const TOKEN = 'test-token-0123456789';
const VS = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'r', labels: { app: 'r' } }, spec: { hosts: ['r'], http: [{ route: [{ destination: { host: 'r' } }] }] } };

interface Reply { status: number; type: string; body: Record<string, unknown> & { details?: { causes?: { field: string; message: string }[] } } }

describe('the Kubernetes API handler', () => {
  let server: http.Server;
  let port: number;
  let store: ConfigStore;
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const text = body === undefined ? undefined : JSON.stringify(body);
      const req = http.request({ host: '127.0.0.1', port, method, path, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers } }, (res) => {
        let data = '';
        res.on('data', (c: Buffer) => (data += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: JSON.parse(data) as Reply['body'] }));
      });
      req.on('error', reject);
      req.end(text);
    });

  beforeAll(async () => {
    store = new ConfigStore();
    const push = { flush: () => undefined, waitFor: () => Promise.resolve(true), status: () => [] };
    const api = createKubeApi({ store, push, token: TOKEN, version: 'test', now: () => 1_700_000_000_000 });
    server = http.createServer((req, res) => void api.handle(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('refuses a missing or wrong token with a 401 Status', async () => {
    for (const headers of [{ authorization: '' }, { authorization: 'Bearer nope' }]) {
      const r = await call('GET', '/api/v1/pods', undefined, headers);
      expect(r.status).toBe(401);
      expect(r.body).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    }
  });

  it('serves aggregated discovery to those who ask, per-group documents otherwise', async () => {
    const agg = await call('GET', '/apis', undefined, { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' });
    expect(agg.type).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const items = agg.body.items as { metadata: { name: string }; versions: { version: string; resources: { resource: string; shortNames?: string[] }[] }[] }[];
    const net = items.find((i) => i.metadata.name === 'networking.istio.io');
    expect(net?.versions.map((v) => v.version)).toEqual(['v1', 'v1beta1', 'v1alpha3']);
    expect(net?.versions[0]?.resources.find((r) => r.resource === 'virtualservices')?.shortNames).toEqual(['vs']);
    const legacy = await call('GET', '/apis/networking.istio.io/v1');
    expect(legacy.body).toMatchObject({ kind: 'APIResourceList', groupVersion: 'networking.istio.io/v1' });
    expect((await call('GET', '/apis/nothing.example/v1')).status).toBe(404);
  });

  it('creates (201), refuses a second create (409 AlreadyExists) and an invalid object (422 naming the field)', async () => {
    const created = await call('POST', '/apis/networking.istio.io/v1/namespaces/default/virtualservices', VS);
    expect(created.status).toBe(201);
    expect(created.body.metadata).toMatchObject({ name: 'r', namespace: 'default', resourceVersion: String(store.revision) });
    const again = await call('POST', '/apis/networking.istio.io/v1/namespaces/default/virtualservices', VS);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ reason: 'AlreadyExists', message: 'virtualservices.networking.istio.io "r" already exists' });
    const before = store.revision;
    const bad = await call('POST', '/apis/networking.istio.io/v1/namespaces/default/virtualservices', { ...VS, metadata: { name: 'bad' }, spec: { hosts: ['r'], http: [{ route: [{ destination: { host: 'r' }, weight: -1 }] }] } });
    expect(bad.status).toBe(422);
    expect(bad.body.reason).toBe('Invalid');
    expect(bad.body.details?.causes?.map((c) => c.field)).toEqual(['spec.http[0].route[0].weight']);
    expect(store.revision).toBe(before);
  });

  it('lists with label selectors and answers Tables with Istio columns', async () => {
    const t = await call('GET', '/apis/networking.istio.io/v1/virtualservices?labelSelector=app%3Dr', undefined, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    expect(t.body.kind).toBe('Table');
    expect((t.body.columnDefinitions as { name: string }[]).map((c) => c.name)).toEqual(['Name', 'Gateways', 'Hosts', 'Age']);
    expect((t.body.rows as { cells: unknown[] }[])[0]?.cells.slice(0, 3)).toEqual(['r', null, '["r"]']);
    const none = await call('GET', '/apis/networking.istio.io/v1/namespaces/default/virtualservices?labelSelector=app%21%3Dr');
    expect(none.body.items).toEqual([]);
  });

  it('refuses an update from a stale resourceVersion (409 Conflict) and takes a current one', async () => {
    const path = '/apis/networking.istio.io/v1/namespaces/default/virtualservices/r';
    const current = await call('GET', path);
    const rv = (current.body.metadata as { resourceVersion: string }).resourceVersion;
    const stale = await call('PUT', path, { ...VS, metadata: { name: 'r', resourceVersion: String(Number(rv) - 1) } });
    expect(stale.status).toBe(409);
    expect(stale.body.reason).toBe('Conflict');
    const ok = await call('PUT', path, { ...VS, metadata: { name: 'r', resourceVersion: rv }, spec: { ...VS.spec, gateways: ['mesh'] } });
    expect(ok.status).toBe(200);
    expect((ok.body.spec as { gateways: string[] }).gateways).toEqual(['mesh']);
    const patched = await call('PATCH', path, { spec: { hosts: ['r', 'r.default'] } }, { 'content-type': 'application/merge-patch+json' });
    expect((patched.body.spec as { hosts: string[] }).hosts).toEqual(['r', 'r.default']);
    const smp = await call('PATCH', path, { spec: {} }, { 'content-type': 'application/strategic-merge-patch+json' });
    expect(smp.status).toBe(415);
  });

  it('deletes (404 after)', async () => {
    const path = '/apis/networking.istio.io/v1/namespaces/default/virtualservices/r';
    expect((await call('DELETE', path)).status).toBe(200);
    const gone = await call('GET', path);
    expect(gone.status).toBe(404);
    expect(gone.body.message).toBe('virtualservices.networking.istio.io "r" not found');
  });
});

describe('resource versions and the change log', () => {
  it('records ADDED, MODIFIED and DELETED at the revision of each change, and forgets past its limit', () => {
    const store = new ConfigStore();
    const tracker = new VersionTracker(store, 2);
    const events: string[] = [];
    tracker.onEvent((e) => events.push(`${e.type}@${e.revision}`));
    const ns = (labels: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Namespace', name: 'n', namespace: undefined, metadata: { name: 'n', labels }, object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', labels } }, source: { file: 'x', line: 1 }, lineOf: () => 1 });
    store.apply([ns({ a: '1' })]);
    store.apply([ns({ a: '1' })]);
    store.apply([ns({ a: '2' })]);
    store.delete([{ kind: 'Namespace', name: 'n' }]);
    expect(events).toEqual(['ADDED@1', 'MODIFIED@2', 'DELETED@3']);
    expect(tracker.since(1).map((e) => e.type)).toEqual(['MODIFIED', 'DELETED']);
    expect(tracker.oldest).toBe(1);
  });
});
