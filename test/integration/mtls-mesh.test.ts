/**
 * Seed 001's lock-down on a running mesh: the CA issues every proxy a SPIFFE certificate, sidecars
 * use mutual TLS between them on their own (auto mTLS), and under PeerAuthentication STRICT a
 * plaintext connection straight to a pod's port is reset (curl exit 56) while mesh traffic, the
 * ingress gateway's included, keeps working; PERMISSIVE lets plaintext in again.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startMesh, httpGet, type Mesh } from '../support/mesh.js';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';

interface PodPorts {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  ports: { containerPort: number; endpointPort: number; appPort: number }[];
}

function curl(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile('curl', ['-s', '--max-time', '5', ...args], { timeout: 10_000 }, (err, stdout) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout }));
  });
}

function opensslText(pem: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('openssl', ['x509', '-noout', '-text'], { timeout: 10_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
    child.stdin?.end(pem);
  });
}

describe('mutual TLS in a running mesh (seed 001 lock-down)', () => {
  let mesh: Mesh;
  let dir: string;
  let echoPort: number;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tack-mtls-'));
    mesh = await startMesh(['examples/001-mtls-strict']);
    const pods = (JSON.parse((await httpGet(mesh.controlPort, '/v1/pods')).body) as { items: PodPorts[] }).items;
    const echo = pods.find((p) => p.labels.app === 'echo');
    echoPort = echo?.ports[0]?.endpointPort ?? 0;
    expect(echoPort).toBeGreaterThan(0);
  }, 60_000);
  afterAll(async () => {
    await mesh?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives each proxy a SPIFFE certificate from its service account, shown by proxy-config secret', async () => {
    const table = await mesh.tack(['proxy-config', 'secret', 'deploy/echo']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^RESOURCE NAME\s+TYPE\s+STATUS\s+VALID CERT\s+SERIAL NUMBER\s+NOT AFTER\s+NOT BEFORE\n/);
    expect(table.stdout).toMatch(/\ndefault\s+Cert Chain\s+ACTIVE\s+true\s+[0-9a-f]+\s+\S+Z\s+\S+Z\n/);
    expect(table.stdout).toMatch(/\nROOTCA\s+CA\s+ACTIVE\s+true\s/);
    const json = await mesh.tack(['proxy-config', 'secret', 'deploy/echo', '-o', 'json']);
    const dump = JSON.parse(json.stdout) as { dynamicActiveSecrets: { name: string; secret: { tlsCertificate?: { certificateChain: { inlineBytes: string } } } }[] };
    const chain = dump.dynamicActiveSecrets.find((s) => s.name === 'default')?.secret.tlsCertificate?.certificateChain.inlineBytes ?? '';
    const text = await opensslText(Buffer.from(chain, 'base64').toString());
    expect(text).toMatch(/X509v3 Subject Alternative Name: critical\s+URI:spiffe:\/\/cluster\.local\/ns\/default\/sa\/echo/);
    expect(text).toContain('TLS Web Server Authentication, TLS Web Client Authentication');
    expect(text).toContain('NIST CURVE: P-256');
  });

  it('uses mTLS between sidecars on its own: the callee sees the caller in X-Forwarded-Client-Cert', async () => {
    const r = await mesh.tack(['exec', 'deploy/curl', '--', 'curl', '-s', 'http://echo:8080/']);
    expect(r.code, r.stderr).toBe(0);
    const headers = (JSON.parse(r.stdout) as { headers: Record<string, string> }).headers;
    expect(headers['x-forwarded-client-cert']).toMatch(/^By=spiffe:\/\/cluster\.local\/ns\/default\/sa\/echo;Hash=[0-9a-f]{64};Subject="";URI=spiffe:\/\/cluster\.local\/ns\/default\/sa\/curl$/);
  });

  it('under STRICT resets a plaintext curl straight to the pod (exit 56), while the gateway and the mesh keep working', async () => {
    const plain = await curl([`http://127.0.0.1:${echoPort}/`]);
    expect(plain.code).toBe(56);
    const viaGateway = await httpGet(mesh.httpPort, '/');
    expect(viaGateway.status).toBe(200);
    expect((JSON.parse(viaGateway.body) as { headers: Record<string, string> }).headers['x-forwarded-client-cert']).toContain('URI=spiffe://cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account');
    const inMesh = await mesh.tack(['exec', 'deploy/curl', '--', 'curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', 'http://echo:8080/']);
    expect(inMesh.stdout).toBe('200');
  });

  it('lets plaintext in again under PERMISSIVE, without a client certificate header', async () => {
    const file = join(dir, 'permissive.yaml');
    writeFileSync(file, 'apiVersion: security.istio.io/v1beta1\nkind: PeerAuthentication\nmetadata: {name: default}\nspec:\n  mtls: {mode: PERMISSIVE}\n');
    const applied = await mesh.tack(['apply', '-f', file]);
    expect(applied.code, applied.stderr).toBe(0);
    const plain = await curl([`http://127.0.0.1:${echoPort}/`]);
    expect(plain.code).toBe(0);
    expect((JSON.parse(plain.stdout) as { headers: Record<string, string> }).headers).not.toHaveProperty('x-forwarded-client-cert');
    const r = await mesh.tack(['exec', 'deploy/curl', '--', 'curl', '-s', 'http://echo:8080/']);
    expect((JSON.parse(r.stdout) as { headers: Record<string, string> }).headers['x-forwarded-client-cert']).toContain('URI=spiffe://cluster.local/ns/default/sa/curl');
  });

  it('portLevelMtls DISABLE on a workload opens that port to plaintext, and its callers stop using mTLS there', async () => {
    const file = join(dir, 'port-level.yaml');
    writeFileSync(file, 'apiVersion: security.istio.io/v1beta1\nkind: PeerAuthentication\nmetadata: {name: echo}\nspec:\n  selector: {matchLabels: {app: echo}}\n  mtls: {mode: STRICT}\n  portLevelMtls:\n    "8080": {mode: DISABLE}\n');
    expect((await mesh.tack(['apply', '-f', file])).code).toBe(0);
    const plain = await curl([`http://127.0.0.1:${echoPort}/`]);
    expect(plain.code).toBe(0);
    // Auto mTLS follows the endpoint's port mode: the curl pod's sidecar now sends plaintext.
    const r = await mesh.tack(['exec', 'deploy/curl', '--', 'curl', '-s', 'http://echo:8080/']);
    expect((JSON.parse(r.stdout) as { headers: Record<string, string> }).headers).not.toHaveProperty('x-forwarded-client-cert');
    expect((await mesh.tack(['delete', '-f', file])).code).toBe(0);
  });

  it('AuthorizationPolicy ALLOW by principal: the curl pod is let in, the gateway gets 403 RBAC: access denied', async () => {
    const file = join(dir, 'allow-curl.yaml');
    writeFileSync(file, 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: echo-allow}\nspec:\n  selector: {matchLabels: {app: echo}}\n  action: ALLOW\n  rules:\n  - from: [{source: {principals: [cluster.local/ns/default/sa/curl]}}]\n');
    const applied = await mesh.tack(['apply', '-f', file]);
    expect(applied.code, applied.stderr).toBe(0);
    const fromCurl = await mesh.tack(['exec', 'deploy/curl', '--', 'curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', 'http://echo:8080/']);
    expect(fromCurl.stdout).toBe('200');
    const viaGateway = await httpGet(mesh.httpPort, '/');
    expect(viaGateway.status).toBe(403);
    expect(viaGateway.body).toBe('RBAC: access denied');
  });

  it('AuthorizationPolicy DENY by path wins over ALLOW', async () => {
    const file = join(dir, 'deny-admin.yaml');
    writeFileSync(file, 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: echo-deny-admin}\nspec:\n  selector: {matchLabels: {app: echo}}\n  action: DENY\n  rules:\n  - to: [{operation: {paths: ["/admin*"]}}]\n');
    expect((await mesh.tack(['apply', '-f', file])).code).toBe(0);
    const admin = await mesh.tack(['exec', 'deploy/curl', '--', 'curl', '-s', '-w', ' %{http_code}', 'http://echo:8080/admin/users']);
    expect(admin.stdout).toBe('RBAC: access denied 403');
    const other = await mesh.tack(['exec', 'deploy/curl', '--', 'curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', 'http://echo:8080/public']);
    expect(other.stdout).toBe('200');
  });

  it('RequestAuthentication: a valid token passes and names the request principal a policy requires; a bad one gets 401', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    const token = await new SignJWT({ group: 'dev' }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer('https://issuer.test').setSubject('alice').setIssuedAt().setExpirationTime('10m').sign(privateKey);
    const file = join(dir, 'jwt.yaml');
    writeFileSync(file, [
      'apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata: {name: echo-jwt}\nspec:\n  selector: {matchLabels: {app: echo}}\n  jwtRules:\n  - issuer: https://issuer.test',
      `    jwks: '${JSON.stringify({ keys: [jwk] })}'`,
      '---\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: echo-secure}\nspec:\n  selector: {matchLabels: {app: echo}}\n  action: DENY\n  rules:\n  - from: [{source: {notRequestPrincipals: ["https://issuer.test/alice"]}}]\n    to: [{operation: {paths: ["/secure"]}}]\n',
    ].join('\n'));
    const applied = await mesh.tack(['apply', '-f', file]);
    expect(applied.code, applied.stderr).toBe(0);
    const call = async (path: string, auth?: string): Promise<string> => (await mesh.tack(['exec', 'deploy/curl', '--', 'curl', '-s', '-w', ' %{http_code}', ...(auth ? ['-H', `authorization: Bearer ${auth}`] : []), `http://echo:8080${path}`])).stdout;
    expect(await call('/secure')).toBe('RBAC: access denied 403');
    expect((await call('/secure', token)).endsWith(' 200')).toBe(true);
    expect(await call('/public', `${token.slice(0, -4)}AAAA`)).toBe('Jwt verification fails 401');
    expect((await call('/public')).endsWith(' 200')).toBe(true);
  });
});
