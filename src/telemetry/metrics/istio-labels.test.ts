import { describe, it, expect } from 'vitest';
import { HTTP_LABELS, TCP_LABELS, httpLabelValues, namespaceFromPrincipal, tcpLabelValues } from './istio-labels.js';
import { peerInfoFromPod } from './pod-peer-info.js';
import type { PeerInfo } from './config.js';

function pairs(names: readonly string[], values: readonly string[]): string {
  expect(values).toHaveLength(names.length);
  return names.map((n, i) => `${n}="${values[i]}"`).join(',');
}

const productpage = peerInfoFromPod({
  name: 'productpage-v1-6b746f74dc-9stvs',
  namespace: 'bookinfo',
  labels: { app: 'productpage', version: 'v1' },
  serviceAccount: 'bookinfo-productpage',
  ownerWorkload: 'productpage-v1',
});
const reviews = peerInfoFromPod({
  name: 'reviews-v2-7bf8c9648f-2zgqv',
  namespace: 'bookinfo',
  labels: { app: 'reviews', version: 'v2' },
  serviceAccount: 'bookinfo-reviews',
  ownerWorkload: 'reviews-v2',
});
const reviewsSvc = { host: 'reviews.bookinfo.svc.cluster.local' };

describe('Istio label order', () => {
  it('HTTP: reporter, source_*, destination_*, protocol, code, gRPC status, flags, security policy', () => {
    expect(HTTP_LABELS.join(',')).toBe(
      'reporter,source_workload,source_canonical_service,source_canonical_revision,source_workload_namespace,source_principal,source_app,source_version,source_cluster,' +
        'destination_workload,destination_workload_namespace,destination_principal,destination_app,destination_version,destination_service,destination_canonical_service,destination_canonical_revision,destination_service_name,destination_service_namespace,destination_cluster,' +
        'request_protocol,response_code,grpc_response_status,response_flags,connection_security_policy',
    );
  });
  it('TCP: the same without response_code and grpc_response_status', () => {
    expect(TCP_LABELS).toEqual(HTTP_LABELS.filter((l) => l !== 'response_code' && l !== 'grpc_response_status'));
  });
  it('carries every label Kiali requires', () => {
    for (const l of ['source_workload_namespace', 'source_workload', 'source_canonical_service', 'source_canonical_revision', 'destination_service_namespace', 'destination_service', 'destination_service_name', 'destination_workload_namespace', 'destination_workload', 'destination_canonical_service', 'destination_canonical_revision', 'response_flags']) {
      expect(HTTP_LABELS).toContain(l);
      expect(TCP_LABELS).toContain(l);
    }
  });
});

describe('Istio label values', () => {
  it('client side, peer known through metadata exchange and mTLS', () => {
    const v = httpLabelValues({ reporter: 'source', source: productpage, destination: reviews, destinationService: reviewsSvc, requestProtocol: 'http', responseCode: 200, responseFlags: [] });
    expect(pairs(HTTP_LABELS, v)).toBe(
      'reporter="source",source_workload="productpage-v1",source_canonical_service="productpage",source_canonical_revision="v1",source_workload_namespace="bookinfo",' +
        'source_principal="spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage",source_app="productpage",source_version="v1",source_cluster="Kubernetes",' +
        'destination_workload="reviews-v2",destination_workload_namespace="bookinfo",destination_principal="spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews",' +
        'destination_app="reviews",destination_version="v2",destination_service="reviews.bookinfo.svc.cluster.local",destination_canonical_service="reviews",' +
        'destination_canonical_revision="v2",destination_service_name="reviews",destination_service_namespace="bookinfo",destination_cluster="Kubernetes",' +
        'request_protocol="http",response_code="200",grpc_response_status="",response_flags="-",connection_security_policy="unknown"',
    );
  });

  it('client side, no peer and no response: unknown, revision latest, code 0, flags joined', () => {
    const local: PeerInfo = { ...productpage, principal: '' };
    const v = httpLabelValues({ reporter: 'source', source: local, destination: undefined, destinationService: reviewsSvc, requestProtocol: 'http', responseFlags: ['UF', 'URX'] });
    expect(pairs(HTTP_LABELS, v)).toBe(
      'reporter="source",source_workload="productpage-v1",source_canonical_service="productpage",source_canonical_revision="v1",source_workload_namespace="bookinfo",' +
        'source_principal="unknown",source_app="productpage",source_version="v1",source_cluster="Kubernetes",' +
        'destination_workload="unknown",destination_workload_namespace="unknown",destination_principal="unknown",destination_app="unknown",destination_version="unknown",' +
        'destination_service="reviews.bookinfo.svc.cluster.local",destination_canonical_service="unknown",destination_canonical_revision="latest",' +
        'destination_service_name="reviews",destination_service_namespace="unknown",destination_cluster="unknown",' +
        'request_protocol="http",response_code="0",grpc_response_status="",response_flags="UF,URX",connection_security_policy="unknown"',
    );
  });

  it('client side to an unknown host (no service): destination service unknown; verbatim cluster names kept', () => {
    const noSvc = httpLabelValues({ reporter: 'source', source: productpage, destination: undefined, destinationService: undefined, requestProtocol: 'http', responseCode: 404, responseFlags: 'NR' });
    expect(noSvc[HTTP_LABELS.indexOf('destination_service')]).toBe('unknown');
    expect(noSvc[HTTP_LABELS.indexOf('destination_service_name')]).toBe('unknown');
    expect(noSvc[HTTP_LABELS.indexOf('response_flags')]).toBe('NR');
    const passthrough = httpLabelValues({ reporter: 'source', source: productpage, destination: undefined, destinationService: { host: 'httpbin.org', name: 'PassthroughCluster' }, requestProtocol: 'http', responseCode: 200, responseFlags: [] });
    expect(passthrough[HTTP_LABELS.indexOf('destination_service')]).toBe('httpbin.org');
    expect(passthrough[HTTP_LABELS.indexOf('destination_service_name')]).toBe('PassthroughCluster');
  });

  it('server side with mTLS: local values as-is, peer from metadata, mutual_tls', () => {
    const peer: PeerInfo = { ...productpage, instance: undefined };
    const v = httpLabelValues({ reporter: 'destination', source: peer, destination: reviews, destinationService: reviewsSvc, requestProtocol: 'grpc', responseCode: 200, grpcStatus: 14, responseFlags: [] });
    expect(pairs(HTTP_LABELS, v)).toBe(
      'reporter="destination",source_workload="productpage-v1",source_canonical_service="productpage",source_canonical_revision="v1",source_workload_namespace="bookinfo",' +
        'source_principal="spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage",source_app="productpage",source_version="v1",source_cluster="Kubernetes",' +
        'destination_workload="reviews-v2",destination_workload_namespace="bookinfo",destination_principal="spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews",' +
        'destination_app="reviews",destination_version="v2",destination_service="reviews.bookinfo.svc.cluster.local",destination_canonical_service="reviews",' +
        'destination_canonical_revision="v2",destination_service_name="reviews",destination_service_namespace="bookinfo",destination_cluster="Kubernetes",' +
        'request_protocol="grpc",response_code="200",grpc_response_status="14",response_flags="-",connection_security_policy="mutual_tls"',
    );
  });

  // After istio/proxy testdata/metric/tcp_server_connection_open_without_mx.yaml.tmpl: a TLS peer that
  // sent no metadata. Current istio_stats.cc takes the namespace from the peer's SAN (older testdata says unknown).
  it('server side TCP without metadata exchange: peer unknown except its principal and SAN namespace', () => {
    const local = peerInfoFromPod({ name: 'ratings-v1-abc-xyz', namespace: 'default', labels: { app: 'ratings', version: 'v1', 'service.istio.io/canonical-revision': 'version-1' }, serviceAccount: 'server', ownerWorkload: 'ratings-v1', cluster: 'test-cluster' });
    const peer: PeerInfo = { workload: '', namespace: '', principal: 'spiffe://cluster.local/ns/default/sa/client', app: '', version: '', canonicalService: '', canonicalRevision: '', cluster: '' };
    const v = tcpLabelValues({ reporter: 'destination', source: peer, destination: local, destinationService: { host: 'server.default.svc.cluster.local' }, responseFlags: [] });
    expect(pairs(TCP_LABELS, v)).toBe(
      'reporter="destination",source_workload="unknown",source_canonical_service="unknown",source_canonical_revision="latest",source_workload_namespace="default",' +
        'source_principal="spiffe://cluster.local/ns/default/sa/client",source_app="unknown",source_version="unknown",source_cluster="unknown",' +
        'destination_workload="ratings-v1",destination_workload_namespace="default",destination_principal="spiffe://cluster.local/ns/default/sa/server",' +
        'destination_app="ratings",destination_version="v1",destination_service="server.default.svc.cluster.local",destination_canonical_service="ratings",' +
        'destination_canonical_revision="version-1",destination_service_name="server",destination_service_namespace="default",destination_cluster="test-cluster",' +
        'request_protocol="tcp",response_flags="-",connection_security_policy="mutual_tls"',
    );
  });

  it('server side in plaintext: no peer, policy none, service falls back to the local canonical name', () => {
    const local: PeerInfo = { ...reviews, principal: '' };
    const v = httpLabelValues({ reporter: 'destination', source: undefined, destination: local, destinationService: undefined, requestProtocol: 'http', responseCode: 503, responseFlags: ['UC'] });
    const at = (l: string) => v[HTTP_LABELS.indexOf(l)];
    expect(at('source_workload')).toBe('unknown');
    expect(at('source_canonical_revision')).toBe('latest');
    expect(at('source_principal')).toBe('unknown');
    expect(at('destination_principal')).toBe('unknown');
    expect(at('destination_service')).toBe('reviews');
    expect(at('destination_service_name')).toBe('reviews');
    expect(at('connection_security_policy')).toBe('none');
  });

  it('local values stay empty when empty (only peers fall back)', () => {
    const bare: PeerInfo = { workload: 'w', namespace: 'ns', principal: '', app: '', version: '', canonicalService: 'w', canonicalRevision: 'latest', cluster: 'Kubernetes' };
    const v = httpLabelValues({ reporter: 'source', source: bare, destination: undefined, destinationService: undefined, requestProtocol: 'http', responseCode: 200, responseFlags: [] });
    expect(v[HTTP_LABELS.indexOf('source_app')]).toBe('');
    expect(v[HTTP_LABELS.indexOf('source_version')]).toBe('');
    expect(v[HTTP_LABELS.indexOf('destination_app')]).toBe('unknown');
  });

  it('an explicit security policy wins; gRPC status is empty for plain HTTP', () => {
    const v = httpLabelValues({ reporter: 'destination', source: productpage, destination: reviews, destinationService: reviewsSvc, requestProtocol: 'http', responseCode: 200, grpcStatus: 3, responseFlags: [], connectionSecurityPolicy: 'none' });
    expect(v[HTTP_LABELS.indexOf('connection_security_policy')]).toBe('none');
    expect(v[HTTP_LABELS.indexOf('grpc_response_status')]).toBe('');
  });

  it('waypoint: reporter waypoint, destination is the endpoint, service namespace the waypoint’s', () => {
    const wp: PeerInfo = { workload: 'waypoint', namespace: 'bookinfo', principal: '', app: '', version: '', canonicalService: 'waypoint', canonicalRevision: 'latest', cluster: 'Kubernetes' };
    const v = httpLabelValues({ reporter: 'waypoint', source: productpage, destination: reviews, waypoint: wp, destinationService: reviewsSvc, requestProtocol: 'http', responseCode: 200, responseFlags: [] });
    const at = (l: string) => v[HTTP_LABELS.indexOf(l)];
    expect(at('reporter')).toBe('waypoint');
    expect(at('destination_workload')).toBe('reviews-v2');
    expect(at('destination_service_namespace')).toBe('bookinfo');
    const none = httpLabelValues({ reporter: 'waypoint', source: undefined, destination: undefined, waypoint: wp, destinationService: undefined, requestProtocol: 'http', responseCode: 503, responseFlags: ['UH'] });
    expect(none[HTTP_LABELS.indexOf('destination_canonical_revision')]).toBe('unknown');
  });

  it('reads the namespace out of a SPIFFE principal', () => {
    expect(namespaceFromPrincipal('spiffe://cluster.local/ns/foo/sa/bar')).toBe('foo');
    expect(namespaceFromPrincipal('spiffe://td/ns/only')).toBe('only');
    expect(namespaceFromPrincipal('spiffe://td/sa/x')).toBeUndefined();
    expect(namespaceFromPrincipal('spiffe://td/ns//sa/x')).toBeUndefined();
  });
});
