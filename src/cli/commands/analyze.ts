import type { Command } from 'commander';
import { loadPaths, validateDocuments, formatCheck, hasErrors, notEnforcedChecks, type Check } from '../../api/index.js';
import { analyze } from '../../api/analyze/index.js';
import { readStdin } from '../stdin.js';
import { controlPortOf, request } from '../control-client.js';

export interface AnalyzeReport {
  checks: Check[];
  resources: number;
  files: number;
}

/** Loads, validates and analyzes files: the whole of `tack analyze -f`. */
export async function analyzeFiles(paths: readonly string[], opts: { namespace?: string; builtins?: boolean; notEnforced?: boolean } = {}): Promise<AnalyzeReport> {
  const loaded = await loadPaths(paths, readStdin);
  const validated = validateDocuments(loaded.documents, opts.namespace ? { defaultNamespace: opts.namespace } : {});
  const findings = analyze(validated.resources, { builtins: opts.builtins ?? true, unchecked: validated.unchecked });
  const ineffective = opts.notEnforced ? notEnforcedChecks(validated.resources) : [];
  const checks = [...loaded.checks, ...validated.checks, ...findings, ...ineffective].sort(bySource);
  return { checks, resources: validated.resources.length, files: new Set(loaded.documents.map((d) => d.file)).size };
}

/** The running mesh's resources, analyzed by its control plane. */
async function analyzeLive(controlPort: string | undefined): Promise<AnalyzeReport> {
  const answer = await request<{ checks: Check[]; resources: number }>(controlPortOf(controlPort), 'GET', '/v1/analyze');
  const checks = answer.body.checks.sort(bySource);
  return { checks, resources: answer.body.resources, files: new Set(checks.map((c) => c.source?.file)).size || 1 };
}

function bySource(a: Check, b: Check): number {
  const fa = a.source?.file ?? '';
  const fb = b.source?.file ?? '';
  if (fa !== fb) return fa < fb ? -1 : 1;
  return (a.source?.line ?? 0) - (b.source?.line ?? 0);
}

export function checkToJson(c: Check) {
  return {
    code: c.code,
    level: c.level,
    message: c.message,
    resource: c.resource ? { kind: c.resource.kind, namespace: c.resource.namespace ?? null, name: c.resource.name } : null,
    file: c.source?.file ?? null,
    line: c.source?.line ?? null,
    path: c.path,
  };
}

export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description('check manifests for errors and cross-resource problems, as istioctl analyze does')
    .option('-f, --filename <path...>', 'files, folders or http(s) URLs of manifests (- for standard input); without it, the running mesh')
    .option('-n, --namespace <ns>', 'namespace for resources that name none', 'default')
    .option('-o, --output <format>', 'output format: text or json', 'text')
    .option('--no-builtins', 'do not assume the ingress gateway every tack mesh runs')
    .option('--control-port <port>', 'control port of the mesh to analyze live (without -f)')
    .action(async (opts: { filename?: string[]; namespace: string; output: string; builtins: boolean; controlPort?: string }) => {
      if (opts.output !== 'text' && opts.output !== 'json') throw new Error(`unknown output format "${opts.output}": use text or json`);
      const report = opts.filename ? await analyzeFiles(opts.filename, { namespace: opts.namespace, builtins: opts.builtins, notEnforced: true }) : await analyzeLive(opts.controlPort);
      if (opts.output === 'json') {
        process.stdout.write(`${JSON.stringify(report.checks.map(checkToJson), null, 2)}\n`);
      } else if (report.checks.length === 0) {
        process.stdout.write(`✔ No validation issues found when analyzing ${report.resources} resources in ${report.files} files.\n`);
      } else {
        for (const c of report.checks) process.stdout.write(`${formatCheck(c)}\n`);
        const counts = ['Error', 'Warning', 'Info'].map((l) => [l, report.checks.filter((c) => c.level === l).length] as const).filter(([, n]) => n > 0);
        process.stdout.write(`\n${counts.map(([l, n]) => `${n} ${l.toLowerCase()}${n === 1 ? '' : 's'}`).join(', ')} in ${report.resources} resources from ${report.files} files.\n`);
      }
      if (hasErrors(report.checks)) process.exitCode = 1;
    });
}
