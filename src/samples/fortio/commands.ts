/** fortio's command line: `server`, `curl`, `load`, `version`, `help`. */
import { HttpClient, HttpError } from '../shared/http-client.js';
import { serve, sampleEnv } from '../shared/serve.js';
import { FlagError, lastValue, parseFlags, type ParsedFlags } from './flags.js';
import { parseGoDuration } from './go-format.js';
import { FORTIO_VERSION, runLoad, USER_AGENT } from './load.js';
import { Logger } from './log.js';
import { fortioHandler } from './server.js';

const CLIENT_FLAGS = {
  values: ['H', 'loglevel', 'timeout', 'payload', 'content-type', 'c', 'qps', 'n', 't', 'p', 'r', 'labels', 'json', 'data-dir', 'X', 'grpc-ping-delay'],
  bools: ['quiet', 'keepalive', 'stdclient', 'http1.0', 'allow-initial-errors', 'jitter', 'a', 'k', 'https-insecure', 'compression', 'grpc', 'ping', 'abort-on', 'L'],
};
const SERVER_FLAGS = {
  values: ['http-port', 'grpc-port', 'redirect-port', 'tcp-port', 'udp-port', 'config-dir', 'loglevel', 'maxpayloadsizekb', 'echo-debug-path', 'ui-path', 'data-dir', 'base-url', 'maxdelay', 'echo-server-default-params'],
  bools: ['quiet', 'sync-interval', 'static-dir'],
};

const USAGE = `Φορτίο ${FORTIO_VERSION} usage:
  fortio command [flags] target
where command is one of: load (load testing), server (starts the http echo server),
curl (single URL debug), version (prints the version).
(tack's built-in fortio: HTTP only; flags -c -qps -n -t -p -H -timeout -payload -loglevel -quiet -keepalive)
`;

/** Runs fortio with argv (without `node script`); resolves to the exit code (server: never). */
export async function fortioMain(argv: readonly string[]): Promise<number> {
  const [command = 'server', ...args] = argv;
  try {
    switch (command) {
      case 'server':
        return startServer(args);
      case 'curl':
        return await curl(parseFlags(args, CLIENT_FLAGS));
      case 'load':
        return await load(parseFlags(args, CLIENT_FLAGS));
      case 'version':
        process.stdout.write(`${FORTIO_VERSION}\n`);
        return 0;
      case 'help':
      case '-h':
      case '--help':
        process.stdout.write(USAGE);
        return 0;
      default:
        process.stderr.write(`Error: unknown command ${JSON.stringify(command)}\n${USAGE}`);
        return 1;
    }
  } catch (err) {
    if (err instanceof FlagError) {
      process.stderr.write(`${err.message}\n${USAGE}`);
      return 1;
    }
    throw err;
  }
}

function startServer(args: readonly string[]): Promise<number> {
  parseFlags(args, SERVER_FLAGS);
  const env = sampleEnv(8080);
  serve('fortio', 8080, fortioHandler(env.podName));
  return new Promise<number>(() => undefined);
}

interface ClientSetup {
  url: string;
  log: Logger;
  headers: Record<string, string>;
  timeoutMs: number;
  body: string | undefined;
  method: string;
}

function clientSetup(flags: ParsedFlags): ClientSetup | number {
  const log = new Logger();
  if (flags.bools.get('quiet')) log.setLevel('Error', false);
  const level = lastValue(flags, 'loglevel');
  if (level !== undefined && !log.setLevel(level, true)) throw new FlagError(`invalid value "${level}" for flag -loglevel`);
  const url = flags.rest[0];
  if (url === undefined) {
    process.stderr.write(`Error: fortio needs a url\n${USAGE}`);
    return 1;
  }
  const headers: Record<string, string> = {};
  for (const h of flags.values.get('H') ?? []) {
    const colon = h.indexOf(':');
    if (colon <= 0) throw new FlagError(`invalid value "${h}" for flag -H: no ':' in header`);
    headers[h.slice(0, colon).trim()] = h.slice(colon + 1).trim();
  }
  const body = lastValue(flags, 'payload');
  const contentType = lastValue(flags, 'content-type');
  if (contentType !== undefined) headers['Content-Type'] = contentType;
  const timeout = parseGoDuration(lastValue(flags, 'timeout') ?? '3s');
  if (timeout === undefined) throw new FlagError(`invalid value "${lastValue(flags, 'timeout')}" for flag -timeout`);
  const method = lastValue(flags, 'X') ?? (body !== undefined ? 'POST' : 'GET');
  return { url: /^[a-z]+:\/\//i.test(url) ? url : `http://${url}`, log, headers, timeoutMs: timeout / 1e6 || 3000, body, method };
}

async function curl(flags: ParsedFlags): Promise<number> {
  const setup = clientSetup(flags);
  if (typeof setup === 'number') return setup;
  const client = new HttpClient({ keepAlive: false });
  try {
    const res = await client.request(setup.url, {
      method: setup.method,
      headers: { 'User-Agent': USER_AGENT, ...setup.headers },
      body: setup.body,
      timeoutMs: setup.timeoutMs,
    });
    let head = `HTTP/${res.httpVersion} ${res.status} ${res.statusMessage}\r\n`;
    for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) head += `${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}\r\n`;
    process.stdout.write(`${head}\r\n`);
    process.stdout.write(res.body);
    if (res.status !== 200) {
      setup.log.error('fortio_main.go:569', `Error status ${res.status} : ${res.body.subarray(0, 512).toString('utf8')}`);
      return 1;
    }
    return 0;
  } catch (err) {
    const what = err instanceof HttpError && err.code === 'connect' ? 'Unable to connect to' : 'Error fetching';
    setup.log.error('http_client.go:230', `${what} ${setup.url} : ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    client.close();
  }
}

async function load(flags: ParsedFlags): Promise<number> {
  const setup = clientSetup(flags);
  if (typeof setup === 'number') return setup;
  const number = (name: string, fallback: number): number => {
    const text = lastValue(flags, name);
    if (text === undefined) return fallback;
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n)) throw new FlagError(`invalid value "${text}" for flag -${name}`);
    return n;
  };
  const n = number('n', 0);
  const durationText = lastValue(flags, 't') ?? '5s';
  const durationNs = parseGoDuration(durationText);
  if (durationNs === undefined) throw new FlagError(`invalid value "${durationText}" for flag -t`);
  const percentiles = (lastValue(flags, 'p') ?? '50,75,90,99,99.9').split(',').map(Number).filter((p) => Number.isFinite(p));
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await runLoad(
      {
        url: setup.url,
        connections: number('c', 4),
        qps: number('qps', 8),
        calls: n > 0 ? Math.floor(n) : undefined,
        durationNs,
        percentiles,
        headers: setup.headers,
        method: setup.method,
        body: setup.body,
        timeoutMs: setup.timeoutMs,
        keepAlive: flags.bools.get('keepalive') ?? true,
      },
      setup.log,
      (text) => process.stdout.write(text),
      controller.signal,
    );
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return 0;
}
