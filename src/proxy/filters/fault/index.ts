/** The fault filter (`envoy.filters.http.fault`): a VirtualService's `fault` on each matching request. */
import { defineHttpFilter } from '../filter.js';
import { FaultRequest } from './filter.js';
import { decideFault, faultSettings, type FaultSettings } from './settings.js';

export const faultFilter = defineHttpFilter<FaultSettings>({
  name: 'envoy.filters.http.fault',
  routeSettings: (route) => {
    const config = route.filters?.['envoy.filters.http.fault'];
    return config ? faultSettings(config) : undefined;
  },
  create(ex, settings) {
    const decision = decideFault(settings, ex.clock);
    return decision ? new FaultRequest(decision) : undefined;
  },
});
