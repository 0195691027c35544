/**
 * What every tack mesh has without being told, as Istio's default installation has it: the
 * `istio-system` namespace, the ingress gateway (Deployment, Service) and the Gateway named
 * `ingressgateway` that older Istio profiles created and tutorials still bind to.
 */
import { loadText } from './yaml/load.js';
import { validateDocuments } from './validate.js';
import type { Resource } from './resource.js';

export const BUILTIN_SOURCE = '<built-in>';
/** The image a Deployment names to be run as a tack gateway proxy (Istio's proxy image). */
export const PROXY_IMAGE = 'docker.io/istio/proxyv2';

const BUILTIN_YAML = `
apiVersion: v1
kind: Namespace
metadata:
  name: istio-system
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: istio-ingressgateway-service-account
  namespace: istio-system
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: istio-ingressgateway
  namespace: istio-system
  labels: {app: istio-ingressgateway, istio: ingressgateway}
spec:
  replicas: 1
  selector:
    matchLabels: {app: istio-ingressgateway, istio: ingressgateway}
  template:
    metadata:
      labels: {app: istio-ingressgateway, istio: ingressgateway}
      annotations: {sidecar.istio.io/inject: "false"}
    spec:
      serviceAccountName: istio-ingressgateway-service-account
      containers:
      - name: istio-proxy
        image: ${PROXY_IMAGE}
        args: [proxy, router]
        ports:
        - {containerPort: 15021, name: status-port}
        - {containerPort: 8080, name: http2}
        - {containerPort: 8443, name: https}
---
apiVersion: v1
kind: Service
metadata:
  name: istio-ingressgateway
  namespace: istio-system
  labels: {app: istio-ingressgateway, istio: ingressgateway}
spec:
  type: LoadBalancer
  selector: {app: istio-ingressgateway, istio: ingressgateway}
  ports:
  - {name: status-port, port: 15021, targetPort: 15021}
  - {name: http2, port: 80, targetPort: 8080}
  - {name: https, port: 443, targetPort: 8443}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: ingressgateway
  namespace: istio-system
spec:
  selector:
    istio: ingressgateway
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["*"]
`;

let cached: Resource[] | undefined;

export function builtinResources(): Resource[] {
  if (cached) return cached;
  const loaded = loadText(BUILTIN_YAML, BUILTIN_SOURCE);
  const validated = validateDocuments(loaded.documents);
  const problems = [...loaded.checks, ...validated.checks].filter((c) => c.level === 'Error');
  if (problems.length > 0) throw new Error(`built-in resources are invalid: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  cached = validated.resources;
  return cached;
}

export function isBuiltin(r: Resource): boolean {
  return r.source.file === BUILTIN_SOURCE;
}
