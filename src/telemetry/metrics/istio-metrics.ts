/**
 * Istio's standard metrics on a registry: the four HTTP metrics, the four TCP ones and
 * `istio_build`. A call's label values bind one series in each HTTP (or TCP) family at once.
 */
import { HTTP_LABELS, TCP_LABELS, httpLabelValues, tcpLabelValues, type LabelInput } from './istio-labels.js';
import type { BoundCounter, BoundHistogram, MetricFamily, MetricsRegistry, CounterSeries, HistogramSeries } from './registry.js';

export interface HttpSeries {
  requests: BoundCounter;
  duration: BoundHistogram;
  requestBytes: BoundHistogram;
  responseBytes: BoundHistogram;
}

export interface TcpSeries {
  opened: BoundCounter;
  closed: BoundCounter;
  sent: BoundCounter;
  received: BoundCounter;
}

export interface IstioMetricsOptions {
  /** Istio version for `istio_build{tag}`; empty gives `unknown`, as Istio does. */
  proxyVersion: string;
  buckets?: readonly number[];
}

export class IstioMetrics {
  readonly requests: MetricFamily<CounterSeries>;
  readonly duration: MetricFamily<HistogramSeries>;
  readonly requestBytes: MetricFamily<HistogramSeries>;
  readonly responseBytes: MetricFamily<HistogramSeries>;
  readonly tcpSent: MetricFamily<CounterSeries>;
  readonly tcpReceived: MetricFamily<CounterSeries>;
  readonly tcpOpened: MetricFamily<CounterSeries>;
  readonly tcpClosed: MetricFamily<CounterSeries>;

  constructor(registry: MetricsRegistry, opts: IstioMetricsOptions) {
    const http = HTTP_LABELS;
    const tcp = TCP_LABELS;
    const buckets = opts.buckets;
    this.requests = registry.counter({ name: 'istio_requests_total', help: 'Requests, counted once per HTTP or gRPC stream.', labelNames: http });
    this.duration = registry.histogram({ name: 'istio_request_duration_milliseconds', help: 'Request duration in milliseconds.', labelNames: http, buckets });
    this.requestBytes = registry.histogram({ name: 'istio_request_bytes', help: 'Request size in bytes on the wire, headers included.', labelNames: http, buckets });
    this.responseBytes = registry.histogram({ name: 'istio_response_bytes', help: 'Response size in bytes on the wire, headers included.', labelNames: http, buckets });
    this.tcpSent = registry.counter({ name: 'istio_tcp_sent_bytes_total', help: 'Bytes sent to the downstream of TCP connections.', labelNames: tcp });
    this.tcpReceived = registry.counter({ name: 'istio_tcp_received_bytes_total', help: 'Bytes received from the downstream of TCP connections.', labelNames: tcp });
    this.tcpOpened = registry.counter({ name: 'istio_tcp_connections_opened_total', help: 'TCP connections opened.', labelNames: tcp });
    this.tcpClosed = registry.counter({ name: 'istio_tcp_connections_closed_total', help: 'TCP connections closed.', labelNames: tcp });
    registry
      .gauge({ name: 'istio_build', help: 'Istio component build information.', labelNames: ['component', 'tag'] })
      .bind(['proxy', opts.proxyVersion || 'unknown'])
      .set(1);
  }

  /** Binds (or finds) the HTTP series for one call's labels. Do this once per distinct label set. */
  httpSeries(input: LabelInput): HttpSeries {
    const v = httpLabelValues(input);
    return { requests: this.requests.bind(v), duration: this.duration.bind(v), requestBytes: this.requestBytes.bind(v), responseBytes: this.responseBytes.bind(v) };
  }

  tcpSeries(input: Omit<LabelInput, 'requestProtocol' | 'responseCode' | 'grpcStatus'>): TcpSeries {
    const v = tcpLabelValues(input);
    return { opened: this.tcpOpened.bind(v), closed: this.tcpClosed.bind(v), sent: this.tcpSent.bind(v), received: this.tcpReceived.bind(v) };
  }
}

/**
 * Finds a value by a short tuple of keys (objects by identity, primitives by value) through nested
 * maps: a request's peer object, service, status and flags lead to its bound series with a few
 * `Map.get`s and no string building. Bounded by the registry's series cap in practice, and by
 * `maxEntries` here.
 */
export class TupleCache<T> {
  private readonly root = new Map<unknown, unknown>();
  private entries = 0;
  constructor(readonly maxEntries = 20_000) {}

  get(keys: readonly unknown[], make: () => T): T {
    let m = this.root;
    const last = keys.length - 1;
    for (let i = 0; i < last; i++) {
      let next = m.get(keys[i]) as Map<unknown, unknown> | undefined;
      if (!next) {
        next = new Map();
        m.set(keys[i], next);
      }
      m = next;
    }
    const hit = m.get(keys[last]) as T | undefined;
    if (hit !== undefined) return hit;
    const made = make();
    // Past the bound we still answer, just without remembering (the registry's own lookup is the backstop).
    if (this.entries < this.maxEntries) {
      m.set(keys[last], made);
      this.entries++;
    }
    return made;
  }
}
