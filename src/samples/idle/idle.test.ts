import { describe, expect, it } from 'vitest';
import { startSample } from '../shared/test-support.js';

describe('idle sample', () => {
  it('logs one line, keeps running, and exits 0 within 1 s of SIGTERM', async () => {
    const app = await startSample('samples/idle/main.js', { POD_NAME: 'curl-5b9c-x1y2z' }, 5000, /sleeping/);
    try {
      expect(app.output()).toBe('idle: pod default/curl-5b9c-x1y2z sleeping until terminated\n');
      await new Promise((r) => setTimeout(r, 200));
      expect(app.child.exitCode).toBeNull();
      const t0 = Date.now();
      expect(await app.stop()).toBe(0);
      expect(Date.now() - t0).toBeLessThan(1000);
    } finally {
      await app.stop();
    }
  });
});
