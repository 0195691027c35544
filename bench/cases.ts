/** The setups compared: a direct connection, nginx and HAProxy doing the 75/25 split, and tack. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { start, freePort, waitForPort, descendants, type Started } from './tools.js';

export const REPO = fileURLToPath(new URL('..', import.meta.url));
const TACK = join(REPO, 'dist', 'cli', 'main.js');
export const BODY_1KB = 'x'.repeat(1024);

export interface Running {
  url: string;
  host?: string;
  /** The proxy processes whose CPU and memory count (none for the direct case). */
  pids(): number[];
  stop(): Promise<void>;
}

export interface Case {
  name: string;
  start(upstream: Upstream, dir: string): Promise<Running>;
}

export interface Upstream {
  portA: number;
  portB: number;
  stop(): Promise<void>;
}

function nginxBase(dir: string, name: string, body: string): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  return `worker_processes 1;
pid ${d}/nginx.pid;
error_log ${d}/error.log;
daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${d}; proxy_temp_path ${d}; fastcgi_temp_path ${d}; uwsgi_temp_path ${d}; scgi_temp_path ${d};
  keepalive_requests 1000000;
${body}
}
`;
}

/** Two nginx servers answering a fixed 1 KB body: the upstream that is never the bottleneck. */
export async function startUpstream(dir: string): Promise<Upstream> {
  const [portA, portB] = [await freePort(), await freePort()];
  const conf = join(dir, 'upstream.conf');
  writeFileSync(conf, nginxBase(dir, 'upstream', [portA, portB].map((p) => `  server { listen 127.0.0.1:${p}; location / { default_type text/plain; return 200 '${BODY_1KB}'; } }`).join('\n')));
  const s = start('nginx', ['-c', conf]);
  await waitForPort(portA);
  await waitForPort(portB);
  return { portA, portB, stop: () => s.stop() };
}

function processPids(s: Started): () => number[] {
  return () => (s.child.pid ? [s.child.pid, ...descendants(s.child.pid)] : []);
}

export const direct: Case = {
  name: 'direct',
  async start(up) {
    return { url: `http://127.0.0.1:${up.portA}/`, pids: () => [], stop: async () => undefined };
  },
};

export const nginxSplit: Case = {
  name: 'nginx',
  async start(up, dir) {
    const port = await freePort();
    const conf = join(dir, 'nginx-split.conf');
    writeFileSync(conf, nginxBase(dir, 'nginx-split', `  upstream split { server 127.0.0.1:${up.portA} weight=3; server 127.0.0.1:${up.portB} weight=1; keepalive 128; }
  server { listen 127.0.0.1:${port}; location / { proxy_pass http://split; proxy_http_version 1.1; proxy_set_header Connection ""; } }`));
    const s = start('nginx', ['-c', conf]);
    await waitForPort(port);
    return { url: `http://127.0.0.1:${port}/`, pids: processPids(s), stop: () => s.stop() };
  },
};

export const haproxySplit: Case = {
  name: 'haproxy',
  async start(up, dir) {
    const port = await freePort();
    const conf = join(dir, 'haproxy.cfg');
    writeFileSync(conf, `global
  nbthread 1
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  http-reuse always
frontend fe
  bind 127.0.0.1:${port}
  default_backend split
backend split
  balance roundrobin
  server a 127.0.0.1:${up.portA} weight 3
  server b 127.0.0.1:${up.portB} weight 1
`);
    const s = start('haproxy', ['-f', conf, '-db']);
    await waitForPort(port);
    return { url: `http://127.0.0.1:${port}/`, pids: processPids(s), stop: () => s.stop() };
  },
};

/** A measuring stick: a bare Node.js proxy (`bench/floor/`), run under tsx like the bench itself. */
function floorProxy(name: string, script: string): Case {
  return {
    name,
    async start(up) {
      const port = await freePort();
      const s = start(process.execPath, ['--import', 'tsx', join(REPO, 'bench', 'floor', script), String(port), String(up.portA), String(up.portB)], { cwd: REPO });
      await waitForPort(port);
      return { url: `http://127.0.0.1:${port}/`, pids: processPids(s), stop: () => s.stop() };
    },
  };
}

export const floorNet = floorProxy('floor: bare node:net proxy', 'net-proxy.ts');
export const floorHttp = floorProxy('floor: bare node:http proxy', 'http-proxy.ts');

function getJson<T>(port: number, path: string): Promise<T> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let b = '';
      res.on('data', (c: Buffer) => (b += c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(b) as T);
        } catch (e) {
          reject(e);
        }
      });
    }).on('error', reject);
  });
}

interface PodView {
  namespace: string;
  name: string;
  deployment?: string;
  outboundPort?: number;
  pids: Record<string, number | undefined>;
}

async function tackUp(dir: string, manifests: string, extra: string[] = [], bin: string = TACK): Promise<{ s: Started; control: number; http: number; pods: () => Promise<PodView[]> }> {
  const file = join(dir, `mesh-${Date.now()}.yaml`);
  writeFileSync(file, manifests);
  const [control, httpPort, https] = [await freePort(), await freePort(), await freePort()];
  const s = start(process.execPath, [bin, 'up', '-f', file, '--control-port', String(control), '--http-port', String(httpPort), '--https-port', String(https), '--no-access-log', ...extra], { cwd: REPO });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (Date.now() > deadline) {
      await s.stop();
      throw new Error(`tack up not ready:\n${s.output()}`);
    }
    try {
      const r = await new Promise<number>((resolve, reject) => http.get({ host: '127.0.0.1', port: control, path: '/healthz/ready', agent: false }, (res) => { res.resume(); resolve(res.statusCode ?? 0); }).on('error', reject));
      if (r === 200) break;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const pods = async () => (await getJson<{ items: PodView[] }>(control, '/v1/pods')).items;
  return { s, control, http: httpPort, pods };
}

function proxyPids(p: PodView | undefined): number[] {
  const pid = p?.pids['istio-proxy'];
  return pid ? [pid, ...descendants(pid)] : [];
}

const serviceEntries = (up: Upstream) => ['a', 'b'].map((x, i) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: upstream-${x}}
spec:
  hosts: [upstream-${x}.bench]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{number: 80, name: http, protocol: HTTP}]
  endpoints: [{address: 127.0.0.1, ports: {http: ${i === 0 ? up.portA : up.portB}}}]
`).join('---\n');

/** Another build of tack to measure beside this one in the same run (a checkout with `dist/` built). */
interface OtherBuild {
  label: string;
  bin: string;
}

function tackGateway(concurrency: number, codec: 'lean' | 'node' = 'lean', build?: OtherBuild): Case {
  return {
    name: build ? `tack gateway (${build.label})` : concurrency > 1 ? `tack gateway (--concurrency ${concurrency})` : codec === 'node' ? 'tack gateway (node:http codec)' : 'tack gateway',
    async start(up, dir) {
      const manifests = `${serviceEntries(up)}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: split}
spec:
  hosts: ["*"]
  gateways: [istio-system/ingressgateway]
  http:
  - route:
    - destination: {host: upstream-a.bench}
      weight: 75
    - destination: {host: upstream-b.bench}
      weight: 25
`;
      const t = await tackUp(dir, manifests, [...(concurrency > 1 ? ['--proxy-concurrency', String(concurrency)] : []), ...(codec === 'node' ? ['--proxy-http-codec', 'node'] : [])], build?.bin);
      const gateway = (await t.pods()).find((p) => p.namespace === 'istio-system');
      return { url: `http://127.0.0.1:${t.http}/`, pids: () => proxyPids(gateway), stop: () => t.s.stop() };
    },
  };
}

export const tackGateway1 = tackGateway(1);
/**
 * The gateway of an earlier build, from `TACK_BENCH_BASELINE=DIR` (a checkout of that commit with
 * `npm ci && npm run build` done): interleaved with this build's, so a change's cost is measured on
 * the same machine in the same minutes rather than against an older report.
 */
export function tackGatewayBaseline(dir: string): Case {
  let label = 'baseline';
  try {
    label = `baseline ${execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()}`;
  } catch {
    // not a git checkout: keep the plain label
  }
  return tackGateway(1, 'lean', { label, bin: join(dir, 'dist', 'cli', 'main.js') });
}
export const tackGateway2 = tackGateway(2);
/** The same gateway on Node's own HTTP server: what the lean codec buys. */
export const tackGatewayNode = tackGateway(1, 'node');

/** Client sidecar → server sidecar → app (nginx), as a call inside the mesh goes. */
/** Client sidecar → server sidecar → app (nginx), as a call inside the mesh goes: over Istio's auto mTLS, or plaintext (PeerAuthentication DISABLE). */
function sidecars(mtls: boolean): Case {
  return {
  name: mtls ? 'tack sidecar → sidecar (mTLS)' : 'tack sidecar → sidecar (plaintext)',
  async start(up, dir) {
    const tmpl = join(dir, 'app.conf.tmpl');
    writeFileSync(tmpl, nginxBase(dir, 'app-__PORT__', `  server { listen 127.0.0.1:__PORT__; location / { default_type text/plain; return 200 '${BODY_1KB}'; } }`));
    void up;
    const manifests = `apiVersion: v1
kind: Service
metadata: {name: app}
spec:
  selector: {app: app}
  ports: [{name: http, port: 80}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app, version: v1}}
    spec:
      containers:
      - name: nginx
        image: nginx
        ports: [{containerPort: 80}]
        command: [sh, -c, 'sed "s/__PORT__/$PORT/g" ${tmpl} > ${dir}/app-$PORT.conf && mkdir -p ${dir}/app-$PORT && exec nginx -c ${dir}/app-$PORT.conf']
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: client}
spec:
  selector: {matchLabels: {app: client}}
  template:
    metadata: {labels: {app: client, version: v1}}
    spec:
      containers:
      - name: client
        image: curlimages/curl
${mtls ? '' : '---\napiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default, namespace: istio-system}\nspec: {mtls: {mode: DISABLE}}\n'}`;
    const t = await tackUp(dir, manifests);
    const pods = await t.pods();
    const client = pods.find((p) => p.deployment === 'client');
    const server = pods.find((p) => p.deployment === 'app');
    if (!client?.outboundPort) throw new Error('no client sidecar');
    return { url: `http://127.0.0.1:${client.outboundPort}/`, host: 'app', pids: () => [...proxyPids(client), ...proxyPids(server)], stop: () => t.s.stop() };
  },
  };
}

export const tackSidecars = sidecars(true);
export const tackSidecarsPlain = sidecars(false);
