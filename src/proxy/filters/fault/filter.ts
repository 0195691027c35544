/** One request's injected fault: the delay's timer (flag DI) and then the abort (flag FI) or the rest of the chain. */
import type { Timer } from '../../clock.js';
import type { Exchange } from '../../http/exchange.js';
import { CONTINUE, STOP, type HttpFilter, type RequestVerdict } from '../filter.js';
import type { FaultDecision } from './settings.js';

export class FaultRequest implements HttpFilter {
  private timer: Timer | undefined;

  constructor(private readonly decision: FaultDecision) {}

  onRequest(ex: Exchange): RequestVerdict {
    const { delayMs, abort } = this.decision;
    if (delayMs === undefined) return abort ?? CONTINUE;
    ex.log.addFlag('DI');
    // As Envoy's fault filter: the delay first, then the abort if one was also drawn.
    this.timer = ex.clock.setTimeout(() => {
      this.timer = undefined;
      if (abort) ex.sendLocalReply(abort);
      else ex.continueRequest();
    }, delayMs);
    return STOP;
  }

  onComplete(): void {
    // A caller that leaves during the delay takes the timer with it.
    this.timer?.cancel();
    this.timer = undefined;
  }
}
