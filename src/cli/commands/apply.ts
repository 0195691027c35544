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
  if (body.converged === false) process.stderr.write('warning: not every proxy acknowledged the change within 3 s; see `tack proxy-status`\n');
  if (endpoint === '/v1/delete' && (body.changes ?? []).some((c) => c.action === 'not found')) process.exitCode = 1;
}

export function registerApply(program: Command): void {
  for (const [name, endpoint, what] of [['apply', '/v1/apply', 'create or update resources in a running mesh'], ['delete', '/v1/delete', 'delete the resources the manifests name from a running mesh']] as const) {
    program
      .command(name)
      .description(what)
      .requiredOption('-f, --filename <path...>', 'manifest files or folders (- for standard input)')
      .option('-n, --namespace <ns>', 'namespace for resources that name none')
      .option('--control-port <port>', 'control port of the mesh')
      .action((opts: { filename: string[]; controlPort?: string; namespace?: string }) => send(endpoint, opts));
  }
}
