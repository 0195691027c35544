/**
 * Built-in samples that stand in for the container images Istio tutorials use, so a manifest
 * whose container has no `command` runs unchanged (DESIGN §3). Pure data and lookups; the runner
 * starts `node dist/<entry>` with the environment described in ./README.md.
 */

export interface SampleInfo {
  /** Short name for logs and errors: `httpbin`, `echo`, `fortio`, `curl`, `bookinfo-reviews`. */
  readonly name: string;
  /** Script to run, relative to dist/: `samples/httpbin/main.js`. */
  readonly entry: string;
  /** Port the real image listens on (documentation only; the process listens on $PORT). 0: none. */
  readonly listensOn: number;
  /**
   * Commands a user may `exec` inside that image, by the name or path they type, mapped to a
   * script relative to dist/ (`samples/fortio/cli.js`) or to `system:<program>` (run the
   * program of that name found on the host's PATH: `system:curl`).
   */
  readonly commands: Readonly<Record<string, string>>;
  /** The image just sleeps (curl/debug images): the process serves nothing. */
  readonly idle?: boolean;
  /** Environment the image itself sets (its Dockerfile `ENV`); the container's `env` wins. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface SampleRow extends SampleInfo {
  /** Image repositories, without registry, tag or digest: `kong/httpbin`, `busybox`. */
  readonly images: readonly string[];
}

/** Prefix of `commands` values that name a host program rather than a sample script. */
export const SYSTEM_COMMAND_PREFIX = 'system:';

const IDLE_ENTRY = 'samples/idle/main.js';

/** `curl` and `/usr/bin/curl` → `system:curl`, for every program and directory given. */
function systemCommands(programs: readonly string[], dirs: readonly string[] = ['/bin', '/usr/bin', '/usr/local/bin']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const program of programs) {
    out[program] = SYSTEM_COMMAND_PREFIX + program;
    for (const dir of dirs) out[`${dir}/${program}`] = SYSTEM_COMMAND_PREFIX + program;
  }
  return out;
}

const SHELL_TOOLS = ['sh', 'sleep', 'cat', 'echo', 'env', 'ls', 'wget', 'nc', 'nslookup'];

function idle(name: string, images: readonly string[], programs: readonly string[]): SampleRow {
  return { name, images, entry: IDLE_ENTRY, listensOn: 0, idle: true, commands: systemCommands([...new Set([...SHELL_TOOLS, ...programs])]) };
}

const FORTIO_COMMANDS = { fortio: 'samples/fortio/cli.js', '/usr/bin/fortio': 'samples/fortio/cli.js' };

export const SAMPLE_ROWS: readonly SampleRow[] = [
  // httpbin: kong/httpbin and kennethreitz/httpbin listen on 80, citizenstig/httpbin (Istio 0.x) on
  // 8000, go-httpbin on 8080.
  { name: 'httpbin', images: ['kong/httpbin', 'kennethreitz/httpbin'], entry: 'samples/httpbin/main.js', listensOn: 80, commands: {} },
  { name: 'httpbin', images: ['citizenstig/httpbin'], entry: 'samples/httpbin/main.js', listensOn: 8000, commands: {} },
  { name: 'httpbin', images: ['mccutchen/go-httpbin'], entry: 'samples/httpbin/main.js', listensOn: 8080, commands: {} },
  // mendhak/http-https-echo: 8080 (and 8443) since v18; older tags used 80 and 443.
  { name: 'echo', images: ['mendhak/http-https-echo'], entry: 'samples/echo/main.js', listensOn: 8080, commands: systemCommands(['sh', 'wget']) },
  // fortio/fortio runs `fortio server` (8080 HTTP; 8079 gRPC, 8078 TCP/UDP echo are not served).
  { name: 'fortio', images: ['fortio/fortio'], entry: 'samples/fortio/main.js', listensOn: 8080, commands: { ...FORTIO_COMMANDS } },
  // Idle client images: the container sleeps; users `kubectl exec` curl (or a shell) inside it.
  idle('curl', ['curlimages/curl', 'governmentpaas/curl-ssl', 'appropriate/curl', 'pstauffer/curl', 'byrnedo/alpine-curl', 'tutum/curl'], ['curl']),
  idle('busyboxplus', ['radial/busyboxplus'], ['curl']),
  idle('netshoot', ['nicolaka/netshoot'], ['curl', 'bash', 'dig', 'http', 'ping']),
  idle('netdebug', ['sirile/netdebug'], ['curl', 'bash', 'dig', 'http', 'ping']),
  idle('busybox', ['busybox'], ['ping']),
  idle('alpine', ['alpine'], ['ping']),
];

// ---------------------------------------------------------------------------------------------
// BOOKINFO HOOK: the bookinfo apps are written by the owner of src/samples/bookinfo/. These rows
// only point at their entries (`samples/bookinfo/<app>.js`); `env` is what each image's
// Dockerfile sets, which is how reviews v1/v2/v3 tell themselves apart.
// ---------------------------------------------------------------------------------------------
const BOOKINFO_PREFIX = 'istio/examples-bookinfo-';

function bookinfo(app: string, version: string, env: Record<string, string> = {}): SampleRow {
  return {
    name: `bookinfo-${app}`,
    // Docker Hub's istio/… and Istio's own registry.istio.io/release/… (what current samples name).
    images: [`${BOOKINFO_PREFIX}${app}-${version}`, `release/examples-bookinfo-${app}-${version}`],
    entry: `samples/bookinfo/${app}.js`,
    listensOn: 9080,
    commands: systemCommands(['sh']),
    env: { SERVICE_VERSION: version, ...env },
  };
}

export const BOOKINFO_ROWS: readonly SampleRow[] = [
  bookinfo('productpage', 'v1'),
  bookinfo('details', 'v1'),
  bookinfo('reviews', 'v1', { ENABLE_RATINGS: 'false', STAR_COLOR: 'black' }),
  bookinfo('reviews', 'v2', { ENABLE_RATINGS: 'true', STAR_COLOR: 'black' }),
  bookinfo('reviews', 'v3', { ENABLE_RATINGS: 'true', STAR_COLOR: 'red' }),
  bookinfo('ratings', 'v1'),
];

/** Every row, for tests and for listing what tack can run without a `command`. */
export const ALL_SAMPLE_ROWS: readonly SampleRow[] = [...SAMPLE_ROWS, ...BOOKINFO_ROWS];

/**
 * The repository part of an image reference: registry host, tag and digest removed, Docker Hub's
 * `library/` prefix dropped, lower-cased. `docker.io/kong/httpbin:0.1.0` → `kong/httpbin`,
 * `busybox@sha256:…` → `busybox`, `localhost:5000/x/y:1` → `x/y`.
 */
export function imageRepository(image: string): string {
  let ref = image.trim().toLowerCase();
  const at = ref.indexOf('@');
  if (at >= 0) ref = ref.slice(0, at);
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) ref = ref.slice(0, colon);
  const parts = ref.split('/').filter((p) => p !== '');
  const first = parts[0];
  if (parts.length > 1 && first !== undefined && (first.includes('.') || first.includes(':') || first === 'localhost')) parts.shift();
  if (parts.length > 1 && parts[0] === 'library') parts.shift();
  return parts.join('/');
}

const BY_REPOSITORY: ReadonlyMap<string, SampleRow> = new Map(ALL_SAMPLE_ROWS.flatMap((row) => row.images.map((image) => [image, row] as const)));

/** The built-in sample standing in for `image`, if tack has one. */
export function findSample(image: string): SampleInfo | undefined {
  return BY_REPOSITORY.get(imageRepository(image));
}

/** The entry for `command` (argv[0] of an `exec`) inside the image `sample` stands in for. */
export function sampleCommand(sample: SampleInfo, command: string): string | undefined {
  return Object.hasOwn(sample.commands, command) ? sample.commands[command] : undefined;
}
