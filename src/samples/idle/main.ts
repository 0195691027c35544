/**
 * Stand-in for curl/sleep images (`curlimages/curl`, `busybox`, ...): the container only sleeps,
 * so that users can `kubectl exec` into it. Serves nothing; exits 0 on SIGTERM.
 */
import { onTerminate, sampleEnv } from '../shared/serve.js';

const env = sampleEnv(0);
process.stdout.write(`idle: pod ${env.podNamespace}/${env.podName} sleeping until terminated\n`);
const keepAlive = setInterval(() => undefined, 1 << 30);
onTerminate(() => clearInterval(keepAlive));
