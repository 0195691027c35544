/** `tack apply` and `tack delete`: send manifests to a running mesh; refused whole on any error. */
import type { Command } from 'commander';
import { readManifestTexts, formatCheck, kindInfo, type Check } from '../../api/index.js';
import type { ResourceChange } from '../../store/index.js';
import { controlPortOf, request } from '../control-client.js';
import { readStdin } from '../stdin.js';

interface ApplyAnswer {
  ok: boolean;
  changes?: ResourceChange[];
  warnings?: Check[];
  checks?: Check[];
  converged?: boolean;
  /** The configuration version the change made. */
  version?: string;
  /** Connected proxies serving their latest configuration. */
  serving?: number;
  /** Proxies that refused the configuration the change made for them (NACK), each with its reason. */
  refused?: { namespace: string; pod: string; version?: string; error: string }[];
}

/** As kubectl prints it: `deployment.apps/reviews-v1 created`, `service/reviews unchanged`. */
function describe(c: ResourceChange): string {
  const group = kindInfo(c.kind)?.group;
  return `${c.kind.toLowerCase()}${group ? `.${group}` : ''}/${c.name} ${c.action}`;
}

async function send(endpoint: '/v1/apply' | '/v1/delete', opts: { filename: string[]; controlPort?: string; namespace?: string }): Promise<void> {
  const { files, checks } = await readManifestTexts(opts.filename, readStdin);
  if (checks.length > 0) {
    for (const c of checks) process.stderr.write(`${formatCheck(c)}\n`);
    process.stderr.write('nothing was changed\n');
    process.exitCode = 1;
    return;
  }
  const res = await request<ApplyAnswer>(controlPortOf(opts.controlPort), 'POST', endpoint, { files, ...(opts.namespace ? { namespace: opts.namespace } : {}) });
  const body = res.body;
  if (!body.ok) {
    for (const c of body.checks ?? []) process.stderr.write(`${formatCheck(c)}\n`);
    process.stderr.write('nothing was changed: the mesh keeps its previous configuration\n');
    process.exitCode = 1;
    return;
  }
  for (const w of body.warnings ?? []) process.stderr.write(`${formatCheck(w)}\n`);
  for (const c of body.changes ?? []) process.stdout.write(`${describe(c)}\n`);
  const refused = body.refused ?? [];
  if (refused.length > 0) {
    // The store changed and the other proxies serve the change, so it is not undone; but the promise
    // that every proxy serves it is broken, and scripts must see that.
    for (const r of refused) process.stderr.write(`error: proxy ${r.pod}.${r.namespace} refused configuration version ${r.version ?? body.version ?? '?'}: ${r.error}\n`);
    const them = refused.length === 1 ? 'that proxy keeps serving its' : 'those proxies keep serving their';
    process.stderr.write(`the resources above are ${endpoint === '/v1/apply' ? 'applied' : 'deleted'} and the other ${body.serving ?? 0} ${body.serving === 1 ? 'proxy serves' : 'proxies serve'} the change; ${them} previous configuration (see \`tack proxy-status\`)\n`);
    process.exitCode = 1;
  }
  if (body.converged === false) process.stderr.write('warning: not every proxy acknowledged the change within 3 s; see `tack proxy-status`\n');
  if (endpoint === '/v1/delete' && (body.changes ?? []).some((c) => c.action === 'not found')) process.exitCode = 1;
}

export function registerApply(program: Command): void {
  for (const [name, endpoint, what] of [['apply', '/v1/apply', 'create or update resources in a running mesh'], ['delete', '/v1/delete', 'delete the resources the manifests name from a running mesh']] as const) {
    program
      .command(name)
      .description(what)
      .requiredOption('-f, --filename <path...>', 'manifest files, folders or http(s) URLs (- for standard input)')
      .option('-n, --namespace <ns>', 'namespace for resources that name none')
      .option('--control-port <port>', 'control port of the mesh')
      .action((opts: { filename: string[]; controlPort?: string; namespace?: string }) => send(endpoint, opts));
  }
}
