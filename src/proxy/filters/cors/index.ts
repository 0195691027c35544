/** The CORS filter (`envoy.filters.http.cors`): a VirtualService's `corsPolicy` on each matching request. */
import { defineHttpFilter } from '../filter.js';
import { CorsRequest } from './filter.js';
import { corsSettings, evaluateCors, type CorsSettings } from './settings.js';

export const corsFilter = defineHttpFilter<CorsSettings>({
  name: 'envoy.filters.http.cors',
  routeSettings: (route) => {
    const config = route.filters?.['envoy.filters.http.cors'];
    return config ? corsSettings(config) : undefined;
  },
  create(ex, settings) {
    if (!settings) return undefined;
    const outcome = evaluateCors(settings, ex.req.method, ex.req.headers);
    // Requests without an allowed Origin cost nothing more.
    if (outcome.kind === 'pass' && outcome.responseHeaders === undefined) return undefined;
    return new CorsRequest(outcome);
  },
});
