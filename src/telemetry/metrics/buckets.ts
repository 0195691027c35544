/**
 * Envoy's default histogram bounds (`HistogramSettingsImpl::defaultBuckets`), used by Istio for the
 * request duration and both byte-size histograms unless a pod overrides them. The copies that stop
 * at 600000 are wrong: the list runs to an hour in milliseconds.
 */
export const DEFAULT_BUCKETS: readonly number[] = Object.freeze([
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000,
]);
