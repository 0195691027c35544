/** Every HTTP filter the proxy has, by the name the compiler uses for it. */
import type { HttpFilterName } from '../../compile/config.js';
import type { AnyHttpFilterFactory } from './filter.js';
import { corsFilter } from './cors/index.js';
import { faultFilter } from './fault/index.js';
import { rbacFilter } from './rbac/index.js';
import { jwtFilter } from './jwt/index.js';

export const HTTP_FILTERS: ReadonlyMap<HttpFilterName, AnyHttpFilterFactory> = new Map([jwtFilter, rbacFilter, corsFilter, faultFilter].map((f) => [f.name, f]));

/** The factories a listener names, in its order; a name this proxy does not know refuses the config. */
export function httpFilterChain(names: readonly HttpFilterName[] | undefined, listener: string): AnyHttpFilterFactory[] {
  return (names ?? []).map((n) => {
    const f = HTTP_FILTERS.get(n);
    if (!f) throw new Error(`listener ${listener}: unknown HTTP filter ${JSON.stringify(n)}`);
    return f;
  });
}
