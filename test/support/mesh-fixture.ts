/**
 * A mesh built from manifests without starting anything: pods planned from Deployments with
 * predictable names and ports, all ready. For compiler tests.
 */
import { loadText, validateDocuments, type Resource } from '../../src/api/index.js';
import { builtinResources, PROXY_IMAGE } from '../../src/api/builtins.js';
import type { DeploymentObject } from '../../src/api/kinds/deployment.js';
import { ConfigStore, type WorkloadInstance } from '../../src/store/index.js';
import { planDeployment, declaredPorts } from '../../src/platform/local/pod-plan.js';

export const GATEWAY_PORTS: Record<number, number> = { 80: 8080, 443: 8443 };

export function gatewayWorkload(): WorkloadInstance {
  return {
    namespace: 'istio-system',
    name: 'istio-ingressgateway-0',
    labels: { istio: 'ingressgateway', app: 'istio-ingressgateway' },
    serviceAccount: 'istio-ingressgateway-service-account',
    address: '127.0.0.1',
    ports: [],
    sidecar: false,
    ready: true,
    phase: 'Running',
    restarts: 0,
    startedAt: 0,
    gatewayPorts: GATEWAY_PORTS,
  };
}

export function meshFromYaml(text: string): { store: ConfigStore; resources: Resource[] } {
  const loaded = loadText(text, 'fixture.yaml');
  const validated = validateDocuments(loaded.documents);
  const errors = [...loaded.checks, ...validated.checks].filter((c) => c.level === 'Error');
  if (errors.length > 0) throw new Error(`fixture is invalid: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  const store = new ConfigStore();
  store.apply([...builtinResources(), ...validated.resources]);
  let podIndex = 0;
  let portIndex = 0;
  for (const r of validated.resources.filter((x) => x.kind === 'Deployment')) {
    if ((r as Resource<DeploymentObject>).object.spec.template.spec.containers.some((c) => c.image?.startsWith(PROXY_IMAGE))) continue;
    let n = 0;
    for (const plan of planDeployment(r as Resource<DeploymentObject>, () => `p${n++}`)) {
      const ports = declaredPorts(plan.spec).map((p) => {
        portIndex++;
        return { containerPort: p.containerPort, ...(p.name ? { name: p.name } : {}), protocol: p.protocol, endpointPort: 30000 + portIndex, appPort: 20000 + portIndex };
      });
      podIndex++;
      store.putWorkload({
        namespace: plan.namespace,
        name: plan.name,
        labels: plan.labels,
        serviceAccount: plan.serviceAccount,
        deployment: plan.deployment ?? '',
        address: '127.0.0.1',
        ports: plan.sidecar ? ports : ports.map((p) => ({ ...p, endpointPort: p.appPort })),
        sidecar: plan.sidecar,
        ready: true,
        phase: 'Running',
        restarts: 0,
        startedAt: 0,
        ...(plan.sidecar ? { outboundPort: 15000 + podIndex } : {}),
      });
    }
  }
  store.putWorkload(gatewayWorkload());
  return { store, resources: validated.resources };
}
