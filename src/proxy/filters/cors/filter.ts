/** One request's CORS work: answer a preflight, or add the CORS headers to whatever response goes back. */
import type { Exchange } from '../../http/exchange.js';
import { CONTINUE, type HttpFilter, type RequestVerdict, type ResponseHead } from '../filter.js';
import type { CorsOutcome } from './settings.js';

const NOT_ALLOWED_PREFLIGHT = { status: 200, body: '', flag: '-' } as const;

export class CorsRequest implements HttpFilter {
  constructor(private readonly outcome: CorsOutcome) {}

  onRequest(_ex: Exchange): RequestVerdict {
    const o = this.outcome;
    if (o.kind === 'preflight') return { status: 200, body: '', flag: '-', headers: o.headers };
    if (o.kind === 'not-allowed-preflight') return NOT_ALLOWED_PREFLIGHT;
    return CONTINUE;
  }

  /** Upstream answers and local replies alike (a 503 on a CORS route still tells the browser). */
  onResponse(_ex: Exchange, head: ResponseHead): void {
    const o = this.outcome;
    if (o.kind === 'pass' && o.responseHeaders) Object.assign(head.headers, o.responseHeaders);
  }
}
