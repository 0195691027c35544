import { Codes } from '../../checks.js';
import type { Analyzer } from '../analyzer.js';

/** Istio's telemetry, Kiali's graph and subset routing all key on `app` and `version` labels. */
export const appVersionLabelsAnalyzer: Analyzer = {
  name: 'deployment.app-version-labels',
  codes: [Codes.DeploymentMissingAppVersionLabels],
  analyze(ctx) {
    for (const d of ctx.all('Deployment')) {
      const labels = d.object.spec?.template?.metadata?.labels ?? {};
      const missing = ['app', 'version'].filter((k) => labels[k] === undefined && !(k === 'app' && labels['app.kubernetes.io/name'] !== undefined) && !(k === 'version' && labels['app.kubernetes.io/version'] !== undefined));
      if (missing.length === 0) continue;
      ctx.report(d, Codes.DeploymentMissingAppVersionLabels, 'Info', `pod template has no ${missing.map((m) => `"${m}"`).join(' or ')} label: metrics, the dashboard graph and version-based routing will not tell its pods apart`, ['spec', 'template', 'metadata', 'labels']);
    }
  },
};
