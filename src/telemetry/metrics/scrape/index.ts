/** Control-plane helpers that point a Prometheus at the mesh: HTTP SD targets and a prometheus.yml. */
export { prometheusHttpSdTargets, sanitizeLabelName, type ScrapeProxy, type HttpSdTargetGroup } from './http-sd.js';
export { prometheusScrapeConfig, DEFAULT_SD_PATH, type ScrapeConfigOptions } from './scrape-config.js';
