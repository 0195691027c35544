/**
 * The user's own kubectl against `tack up`: a kubeconfig from `tack kubeconfig`, then the lines the
 * tutorials run, asserted on what kubectl prints.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import https from 'node:https';
import { mkdtempSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startMesh, type Mesh } from '../support/mesh.js';

const KUBECTL = '/usr/bin/kubectl';

interface Run { code: number; stdout: string; stderr: string }

const APP = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: fortio, labels: {app: fortio}}
spec:
  replicas: 1
  selector: {matchLabels: {app: fortio}}
  template:
    metadata: {labels: {app: fortio, version: v1}}
    spec:
      containers:
      - name: echo
        image: mendhak/http-https-echo
        ports: [{containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: fortio}
spec:
  selector: {app: fortio}
  ports: [{port: 8080, name: http}]
`;

const VS = `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: fortio}
spec:
  hosts: [fortio]
  http:
  - route:
    - destination: {host: fortio}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: fortio}
spec:
  host: fortio
`;

const BAD_VS = `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: bad}
spec:
  hosts: [fortio]
  http:
  - route:
    - destination: {host: fortio}
      weight: -5
`;

describe('kubectl against tack up', () => {
  let mesh: Mesh;
  let dir: string;
  let kubeconfig: string;

  const kubectl = (args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      // HOME in the test folder: kubectl's discovery cache must not leak between runs.
      execFile(KUBECTL, ['--kubeconfig', kubeconfig, '--request-timeout=20s', ...args], { env: { ...process.env, HOME: dir, KUBECONFIG: '' }, timeout: 30_000 }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tack-kubectl-'));
    mkdirSync(join(dir, 'manifests'));
    writeFileSync(join(dir, 'manifests', 'httpbin.yaml'), APP.replace(/fortio/g, 'httpbin'));
    writeFileSync(join(dir, 'app.yaml'), APP);
    writeFileSync(join(dir, 'vs.yaml'), VS);
    writeFileSync(join(dir, 'bad.yaml'), BAD_VS);
    mesh = await startMesh([join(dir, 'manifests')]);
    const kc = await mesh.tack(['kubeconfig']);
    expect(kc.code).toBe(0);
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, kc.stdout);
  });
  afterAll(async () => {
    await mesh?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('tack kubeconfig names cluster, user and context tack, on https with the mesh certificate', async () => {
    const r = await kubectl(['config', 'view', '-o', 'jsonpath={.current-context} {.clusters[0].name} {.users[0].name} {.clusters[0].cluster.server}']);
    expect(r.stdout).toBe(`tack tack tack https://127.0.0.1:${mesh.controlPort}`);
  });

  it('api-resources lists the kinds with their short names', async () => {
    const r = await kubectl(['api-resources']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^virtualservices\s+vs\s+networking\.istio\.io\/v1\s+true\s+VirtualService$/m);
    expect(r.stdout).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    expect(r.stdout).toMatch(/^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
    expect(r.stdout).toMatch(/^peerauthentications\s+pa\s+security\.istio\.io\/v1\s+true\s+PeerAuthentication$/m);
    const istio = await kubectl(['api-resources', '--categories=networking-istio-io', '-o', 'name']);
    expect(istio.stdout.split('\n').filter(Boolean).sort()).toEqual(['destinationrules.networking.istio.io', 'gateways.networking.istio.io', 'serviceentries.networking.istio.io', 'sidecars.networking.istio.io', 'virtualservices.networking.istio.io', 'workloadentries.networking.istio.io']);
  });

  it('apply -f creates, a second apply leaves them unchanged, and the pods come up', async () => {
    const vs = await kubectl(['apply', '-f', join(dir, 'vs.yaml')]);
    expect(vs.stdout).toBe('virtualservice.networking.istio.io/fortio created\ndestinationrule.networking.istio.io/fortio created\n');
    const app = await kubectl(['apply', '-f', join(dir, 'app.yaml')]);
    expect(app.stdout).toBe('deployment.apps/fortio created\nservice/fortio created\n');
    const again = await kubectl(['apply', '-f', join(dir, 'vs.yaml')]);
    expect(again.stdout).toBe('virtualservice.networking.istio.io/fortio unchanged\ndestinationrule.networking.istio.io/fortio unchanged\n');
    const wait = await kubectl(['wait', '--for=condition=Ready', 'pod', '-l', 'app=fortio', '--timeout=20s']);
    expect(wait.stdout).toMatch(/^pod\/fortio-\w+-\w{5} condition met$/m);
  });

  it('get pods shows READY, STATUS, RESTARTS and AGE', async () => {
    const r = await kubectl(['get', 'pods']);
    expect(r.stdout).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/m);
    expect(r.stdout).toMatch(/^httpbin-\w+-\w{5}\s+2\/2\s+Running\s+0\s+\d+s$/m);
    const name = await kubectl(['get', 'pods', '-l', 'app=fortio', '-o', 'jsonpath={.items[0].metadata.name}']);
    expect(name.stdout).toMatch(/^fortio-\w+-\w{5}$/);
    const none = await kubectl(['get', 'pods', '-l', 'app in (nothing),version']);
    expect(none.stderr).toContain('No resources found in default namespace.');
    const all = await kubectl(['get', 'pods', '-A', '--field-selector', 'metadata.namespace=istio-system']);
    expect(all.stdout).toMatch(/^istio-system\s+istio-ingressgateway-\S+\s+1\/1\s+Running/m);
  });

  it('get svc -o wide --show-labels prints the Service columns', async () => {
    const r = await kubectl(['get', 'svc', '-o', 'wide', '--show-labels']);
    expect(r.stdout).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\s+SELECTOR\s+LABELS$/m);
    expect(r.stdout).toMatch(/^fortio\s+ClusterIP\s+\S+\s+<none>\s+8080\/TCP\s+\d+s\s+app=fortio\s+<none>$/m);
  });

  it('get vs,dr,gw prints Istio printer columns', async () => {
    const r = await kubectl(['get', 'vs,dr,gw', '-A']);
    expect(r.stdout).toMatch(/^NAMESPACE\s+NAME\s+GATEWAYS\s+HOSTS\s+AGE$/m);
    expect(r.stdout).toMatch(/^default\s+virtualservice\.networking\.istio\.io\/fortio\s+\["fortio"\]\s+\d+s$/m);
    expect(r.stdout).toMatch(/^default\s+destinationrule\.networking\.istio\.io\/fortio\s+fortio\s+\d+s$/m);
    expect(r.stdout).toMatch(/^istio-system\s+gateway\.networking\.istio\.io\/ingressgateway\s+\d+s$/m);
  });

  it('label and patch go through strategic merge', async () => {
    expect((await kubectl(['label', 'namespace', 'default', 'istio-injection=enabled'])).stdout).toBe('namespace/default labeled\n');
    expect((await kubectl(['get', 'ns', 'default', '-o', 'jsonpath={.metadata.labels.istio-injection}'])).stdout).toBe('enabled');
    expect((await kubectl(['label', 'service', 'fortio', 'app=fortio'])).stdout).toBe('service/fortio labeled\n');
    const patched = await kubectl(['patch', 'service', 'fortio', '--patch', '{"spec":{"ports":[{"port":8080,"name":"tcp-echo"}]}}']);
    expect(patched.stdout).toBe('service/fortio patched\n');
    expect((await kubectl(['get', 'svc', 'fortio', '-o', 'jsonpath={.spec.ports[*].name} {.metadata.labels.app}'])).stdout).toBe('tcp-echo fortio');
    const merged = await kubectl(['patch', 'vs', 'fortio', '--type=merge', '-p', '{"spec":{"gateways":["mesh"]}}']);
    expect(merged.stdout).toBe('virtualservice.networking.istio.io/fortio patched\n');
    const json = await kubectl(['patch', 'dr', 'fortio', '--type=json', '-p', '[{"op":"add","path":"/spec/trafficPolicy","value":{"loadBalancer":{"simple":"ROUND_ROBIN"}}}]']);
    expect(json.stdout).toBe('destinationrule.networking.istio.io/fortio patched\n');
    expect((await kubectl(['get', 'dr', 'fortio', '-o', 'jsonpath={.spec.trafficPolicy.loadBalancer.simple}'])).stdout).toBe('ROUND_ROBIN');
  });

  it('an invalid VirtualService is refused with the field named, and nothing is stored', async () => {
    const r = await kubectl(['apply', '-f', join(dir, 'bad.yaml')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/The VirtualService "bad" is invalid: spec\.http\[0\]\.route\[0\]\.weight: .*negative/);
    const get = await kubectl(['get', 'vs', 'bad']);
    expect(get.stderr).toContain('Error from server (NotFound): virtualservices.networking.istio.io "bad" not found');
    const dup = await kubectl(['create', '-f', join(dir, 'vs.yaml')]);
    expect(dup.stderr).toContain('Error from server (AlreadyExists): error when creating');
    expect(dup.stderr).toContain('virtualservices.networking.istio.io "fortio" already exists');
  });

  it('delete deployment,service NAME and delete -f remove them', async () => {
    const r = await kubectl(['delete', 'deployment,service', 'fortio']);
    expect(r.stdout).toBe('deployment.apps "fortio" deleted\nservice "fortio" deleted\n');
    const f = await kubectl(['delete', '-f', join(dir, 'vs.yaml')]);
    expect(f.stdout).toBe('virtualservice.networking.istio.io "fortio" deleted\ndestinationrule.networking.istio.io "fortio" deleted\n');
    expect((await kubectl(['get', 'deploy,svc,vs,dr', '-o', 'name'])).stdout.split('\n').filter(Boolean).sort()).toEqual(['deployment.apps/httpbin', 'service/httpbin']);
  });

  it('a request without the token is refused with 401 and a Status', async () => {
    const r = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = https.get({ host: '127.0.0.1', port: mesh.controlPort, path: '/api/v1/namespaces/default/pods', rejectUnauthorized: false, timeout: 5000 }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
    });
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body)).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401 });
    const wrong = await kubectl(['--token', 'not-the-token', 'get', 'pods']);
    expect(wrong.stderr).toContain('You must be logged in to the server');
  });
});
