import { describe, it, expect } from 'vitest';
import { negotiateFormat, TEXT_CONTENT_TYPE } from './negotiate.js';

describe('negotiateFormat', () => {
  it('Prometheus 2.x scrape header: OpenMetrics 1.0.0', () => {
    const accept = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
    expect(negotiateFormat(accept)).toEqual({ format: 'openmetrics', contentType: 'application/openmetrics-text; version=1.0.0; charset=utf-8' });
  });

  it('Prometheus 3.x scrape header (escaping params, text 1.0.0 offered)', () => {
    const accept =
      'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2';
    expect(negotiateFormat(accept).format).toBe('openmetrics');
  });

  it('scrape_protocols with text first, or protobuf first, gets text', () => {
    expect(negotiateFormat('text/plain;version=0.0.4;q=0.5,application/openmetrics-text;version=1.0.0;q=0.4').format).toBe('text');
    expect(negotiateFormat('application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.9,text/plain;version=0.0.4;q=0.5').format).toBe('text');
  });

  it('OpenMetrics 0.0.1 only: served with that version in the content type', () => {
    expect(negotiateFormat('application/openmetrics-text; version=0.0.1').contentType).toBe('application/openmetrics-text; version=0.0.1; charset=utf-8');
  });

  it('anything else, nothing or nonsense gets the text format', () => {
    for (const a of [undefined, '', '*/*', 'text/html', 'application/openmetrics-text;version=9.9.9', 'application/openmetrics-text;q=0', ';;;,,,=', 'x'.repeat(10_000)]) {
      expect(negotiateFormat(a)).toEqual({ format: 'text', contentType: TEXT_CONTENT_TYPE });
    }
  });

  it('ties go to the range listed first', () => {
    expect(negotiateFormat('text/plain, application/openmetrics-text').format).toBe('text');
    expect(negotiateFormat('application/openmetrics-text, text/plain').format).toBe('openmetrics');
  });
});
