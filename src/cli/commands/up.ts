/** `tack up`: a whole mesh on this machine, in the foreground, until SIGINT/SIGTERM. */
import { Option, type Command } from 'commander';
import { durationFlag } from './proxy.js';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadPaths, validateDocuments, formatCheck, hasErrors, notEnforcedChecks, noResourcesMessage } from '../../api/index.js';
import { builtinResources } from '../../api/builtins.js';
import { ConfigStore } from '../../store/index.js';
import { PushServer } from '../../push/index.js';
import { LocalRunner, runProblems } from '../../platform/local/runner.js';
import { checkPortFree } from '../../platform/local/ports.js';
import { ignoredFieldsNote } from '../../platform/local/ignored-fields.js';
import { createControlServer, readiness } from '../../control/server.js';
import { writeKubeToken, writeKubeCa, createServingCert, stateDirOf } from '../../control/kube-api/index.js';
import { randomBytes } from 'node:crypto';
import { readStdin } from '../stdin.js';
import { whenOutputCloses } from '../closed-output.js';
import { DEFAULT_CONTROL_PORT } from '../control-client.js';
import { packageVersion } from '../version.js';
import type { MeshCa } from '../../control/certificates.js';

export const DEFAULT_HTTP_PORT = 8080;
export const DEFAULT_HTTPS_PORT = 8443;

interface UpOptions {
  filename: string[];
  accessLog: boolean;
  proxyConcurrency: string;
  proxyHttpCodec: 'lean' | 'node';
  proxyStreamIdleTimeout?: string;
  proxyRequestHeadersTimeout?: string;
  httpPort: string;
  httpsPort: string;
  controlPort: string;
  gatewayPort: string[];
  namespace: string;
  caDir?: string;
}

function port(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0 || n > 65535) throw new Error(`${flag}: "${value}" is not a port number`);
  return n;
}

function stamp(): string {
  return new Date().toISOString().slice(11, 23);
}

export function registerUp(program: Command): void {
  program
    .command('up')
    .description('run a whole mesh on this machine from files or folders of manifests (foreground; Ctrl-C stops it)')
    .requiredOption('-f, --filename <path...>', 'manifest files, folders or http(s) URLs (- for standard input)')
    .option('--http-port <port>', 'host port for Gateway servers on port 80', String(DEFAULT_HTTP_PORT))
    .option('--https-port <port>', 'host port for Gateway servers on port 443', String(DEFAULT_HTTPS_PORT))
    .option('--gateway-port <mapping...>', 'host port for another Gateway server port, as SERVER=HOST (e.g. 8443=18443)', [])
    .option('--control-port <port>', 'port of the control API, dashboard and metrics', String(DEFAULT_CONTROL_PORT))
    .option('--ca-dir <dir>', "the mesh CA's key and certificates in Istio's cacerts layout (ca-cert.pem, ca-key.pem, root-cert.pem, cert-chain.pem); default: a root made once and kept in the state directory")
    .option('-n, --namespace <ns>', 'namespace for resources that name none', 'default')
    .option('--no-access-log', "do not log each request in the proxies' logs")
    .option('--proxy-concurrency <n>', 'worker processes per proxy (Envoy\'s --concurrency)', '1')
    .addOption(new Option('--proxy-http-codec <codec>', "proxies' HTTP/1.1 implementation: tack's lean codec, or Node's http server as a fallback").choices(['lean', 'node']).default('lean'))
    // Checked here, passed on as written: each proxy parses it again.
    .addOption(new Option('--proxy-stream-idle-timeout <duration>', "proxies' stream idle timeout (tack proxy --stream-idle-timeout; default 5m)").argParser((v: string) => (durationFlag(v), v)))
    .addOption(new Option('--proxy-request-headers-timeout <duration>', "proxies' request headers timeout (tack proxy --request-headers-timeout; default 0, disabled)").argParser((v: string) => (durationFlag(v), v)))
    .action(async (opts: UpOptions) => {
      const log = (m: string): void => void process.stdout.write(`${stamp()} ${m}\n`);
      const controlPort = port(opts.controlPort, '--control-port');
      const gatewayPorts: Record<number, number> = { 80: port(opts.httpPort, '--http-port'), 443: port(opts.httpsPort, '--https-port') };
      for (const m of opts.gatewayPort) {
        const [from, to] = m.split('=');
        gatewayPorts[port(from ?? '', '--gateway-port')] = port(to ?? '', '--gateway-port');
      }

      const loaded = await loadPaths(opts.filename, readStdin);
      const validated = validateDocuments(loaded.documents, { defaultNamespace: opts.namespace });
      const checks = [...loaded.checks, ...validated.checks, ...notEnforcedChecks(validated.resources)];
      const problems = runProblems(validated.resources);
      if (hasErrors(checks) || problems.length > 0) {
        for (const c of checks.filter((x) => x.level === 'Error')) process.stderr.write(`${formatCheck(c)}\n`);
        for (const p of problems) process.stderr.write(`Error ${p}\n`);
        process.stderr.write('tack up: nothing was started; fix the errors above and run it again.\n');
        process.exitCode = 1;
        return;
      }
      if (validated.resources.length === 0) {
        for (const w of checks.filter((c) => c.level === 'Warning')) process.stderr.write(`${formatCheck(w)}\n`);
        process.stderr.write(`tack up: ${noResourcesMessage(checks)}\n`);
        process.exitCode = 1;
        return;
      }
      for (const [p, label] of [[controlPort, '--control-port'], [gatewayPorts[80] as number, '--http-port'], [gatewayPorts[443] as number, '--https-port']] as const) {
        try {
          await checkPortFree(p);
        } catch (err) {
          process.stderr.write(`tack up: ${(err as Error).message} (${label}); choose another with ${label} N\n`);
          process.exitCode = 1;
          return;
        }
      }

      const runDir = stateDirOf(controlPort);
      mkdirSync(runDir, { recursive: true });
      // A new run starts clean, except for the mesh's CA: its root outlives runs, as a cluster's does.
      for (const entry of readdirSync(runDir)) if (entry !== 'ca') rmSync(join(runDir, entry), { recursive: true, force: true });
      let meshCa: MeshCa;
      // The CA (and its X.509 library) is loaded by `tack up` alone.
      const { BootstrapTokens, CaError, loadCaDir, loadOrCreateCa } = await import('../../security/ca/index.js');
      const { issueProxyToken } = await import('../../control/certificates.js');
      try {
        const ca = opts.caDir !== undefined ? await loadCaDir(opts.caDir, Date.now()) : (await loadOrCreateCa(join(runDir, 'ca'), { now: Date.now() })).ca;
        meshCa = { ca, tokens: new BootstrapTokens() };
      } catch (err) {
        process.stderr.write(`tack up: ${err instanceof CaError ? `--ca-dir ${err.message}` : err instanceof Error ? err.message : String(err)}; nothing was started\n`);
        process.exitCode = 1;
        return;
      }
      const store = new ConfigStore();
      const user = new Set(validated.resources.map((r) => `${r.kind}/${r.namespace}/${r.name}`));
      store.apply([...builtinResources().filter((b) => !user.has(`${b.kind}/${b.namespace}/${b.name}`)), ...validated.resources]);
      const push = new PushServer(store, undefined, log);
      const runner = new LocalRunner(store, {
        controlAddress: `127.0.0.1:${controlPort}`,
        logDir: join(runDir, 'logs'),
        gatewayPorts,
        accessLog: opts.accessLog,
        proxyConcurrency: Math.max(1, Number(opts.proxyConcurrency) || 1),
        proxyHttpCodec: opts.proxyHttpCodec,
        proxyArgs: [
          ...(opts.proxyStreamIdleTimeout !== undefined ? ['--stream-idle-timeout', opts.proxyStreamIdleTimeout] : []),
          ...(opts.proxyRequestHeadersTimeout !== undefined ? ['--request-headers-timeout', opts.proxyRequestHeadersTimeout] : []),
        ],
        proxyHasConfig: (ns, pod) => push.hasConfig(ns, pod),
        forgetProxy: (ns, pod) => {
          push.remove(ns, pod);
          meshCa.tokens.revoke(`${ns}/${pod}`);
        },
        proxyToken: (ns, pod, sa) => issueProxyToken(meshCa, ns, pod, sa),
        log,
      });
      const kubeToken = writeKubeToken(runDir, randomBytes(32));
      const kubeTls = await createServingCert(Date.now(), randomBytes(16));
      writeKubeCa(runDir, kubeTls.cert);
      const server = createControlServer({ store, push, runner, version: packageVersion(), log, kubeToken, kubeTls, ca: meshCa });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(controlPort, '127.0.0.1', () => resolve());
      });
      log(`control plane on http://127.0.0.1:${controlPort} (logs in ${runDir})`);
      for (const w of checks.filter((c) => c.level === 'Warning')) log(formatCheck(w));
      const note = ignoredFieldsNote(validated.resources);
      if (note) log(note);
      await runner.reconcile();

      let announced = false;
      const announce = setInterval(() => {
        if (announced || !readiness({ store, push, runner, version: '', log }).ready) return;
        announced = true;
        log(`mesh ready: ingress gateway on http://127.0.0.1:${gatewayPorts[80]} (port 80) and :${gatewayPorts[443]} (port 443); press Ctrl-C to stop`);
      }, 200);

      let stopping = false;
      const stop = async (signal: string): Promise<void> => {
        if (stopping) return;
        stopping = true;
        clearInterval(announce);
        log(`${signal}: stopping every pod`);
        await runner.stopAll();
        push.close();
        server.close();
        server.closeAllConnections();
        log('stopped');
        process.exit(0);
      };
      // Whoever read the log went away: stop the mesh as Ctrl-C would, rather than leave pods behind.
      whenOutputCloses(() => void stop('output closed'));
      process.on('SIGINT', () => void stop('SIGINT'));
      process.on('SIGTERM', () => void stop('SIGTERM'));
    });
}
