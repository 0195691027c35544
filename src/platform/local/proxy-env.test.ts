import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { importFlag, nodeOptionsWithPreload, preloadPath, proxyEnvironment } from './proxy-env.js';
import { run, runNode, startRecordingProxy, stopAll, type Recorder } from './preload/test-support.js';

const JAVA = '-Dhttp.proxyHost=127.0.0.1 -Dhttp.proxyPort=15001 -Dhttp.nonProxyHosts=localhost|127.*|[::1]';

describe('proxyEnvironment', () => {
  it('points the proxy variables at the outbound port and preloads the Node module', () => {
    const env = proxyEnvironment(15001, {});
    expect(env).toEqual({
      HTTP_PROXY: 'http://127.0.0.1:15001',
      http_proxy: 'http://127.0.0.1:15001',
      NO_PROXY: 'localhost,127.0.0.1,::1',
      no_proxy: 'localhost,127.0.0.1,::1',
      NODE_OPTIONS: `--import=${preloadPath()}`,
      JAVA_TOOL_OPTIONS: JAVA,
    });
  });

  it("keeps the container's own NO_PROXY entries, NODE_OPTIONS and JAVA_TOOL_OPTIONS", () => {
    const env = proxyEnvironment(15001, {
      NO_PROXY: 'example.com, .corp.internal,localhost',
      no_proxy: 'example.com,10.0.0.0/8',
      NODE_OPTIONS: '--max-old-space-size=256',
      JAVA_TOOL_OPTIONS: '-Xmx256m',
    });
    expect(env.NO_PROXY).toBe('localhost,127.0.0.1,::1,example.com,.corp.internal,10.0.0.0/8');
    expect(env.no_proxy).toBe(env.NO_PROXY);
    expect(env.NODE_OPTIONS).toBe(`--max-old-space-size=256 --import=${preloadPath()}`);
    expect(env.JAVA_TOOL_OPTIONS).toBe(`-Xmx256m ${JAVA}`);
  });

  it('does not append twice', () => {
    const once = proxyEnvironment(15001, {});
    expect(proxyEnvironment(15001, once)).toEqual(once);
  });

  it('rejects a bad port', () => {
    expect(() => proxyEnvironment(0, {})).toThrow(RangeError);
    expect(() => proxyEnvironment(70000, {})).toThrow(RangeError);
  });
});

describe('preloadPath and the --import flag', () => {
  it('is the absolute path of the compiled preload under dist/', () => {
    const path = preloadPath();
    expect(isAbsolute(path)).toBe(true);
    expect(path.endsWith(join('dist', 'platform', 'local', 'preload', 'node-proxy.js'))).toBe(true);
    expect(existsSync(path)).toBe(true);
    expect(preloadPath('file:///opt/tack/dist/platform/local/proxy-env.js')).toBe('/opt/tack/dist/platform/local/preload/node-proxy.js');
  });

  it('quotes paths with spaces; gives URL-special paths as file: URLs', () => {
    expect(importFlag('/opt/tack/x.js')).toBe('--import=/opt/tack/x.js');
    expect(importFlag('/opt/my tack/x.js')).toBe('--import="/opt/my tack/x.js"');
    expect(importFlag('/opt/a "q"/x.js')).toBe('--import="/opt/a \\"q\\"/x.js"');
    expect(importFlag('/opt/a b#c/x.js')).toBe('--import=file:///opt/a%20b%23c/x.js');
    expect(nodeOptionsWithPreload('  --enable-source-maps ', '/p/x.js')).toBe('--enable-source-maps --import=/p/x.js');
  });

  describe('node accepts the flag for awkward install paths', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'tack-proxy-env-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    afterEach(() => stopAll());

    for (const folder of ['with space', 'odd #dir%20 "q"']) {
      it(`"${folder}"`, async () => {
        const copy = join(dir, folder, 'preload');
        mkdirSync(copy, { recursive: true });
        cpSync(dirname(preloadPath()), copy, { recursive: true });
        const app = join(dir, 'marker.mjs');
        writeFileSync(app, `console.log(JSON.stringify(globalThis[Symbol.for('tack.preload.node-proxy')] ?? null));`);
        const env = { ...proxyEnvironment(15001, { NODE_OPTIONS: '--no-warnings' }), NODE_OPTIONS: nodeOptionsWithPreload('--no-warnings', join(copy, 'node-proxy.js')) };
        const result = await runNode(app, env, dir, 10_000);
        expect(result.stderr).toBe('');
        expect(result.json()).toEqual({ http: '127.0.0.1:15001', noProxy: ['localhost', '127.0.0.1', '::1'] });
      });
    }
  });
});

/** Single-file source launch (`java Foo.java`, JDK 11+) works here. */
function javaWorks(): boolean {
  const java = spawnSync('java', ['-version'], { stdio: 'ignore', timeout: 10_000 });
  const javac = spawnSync('javac', ['-version'], { stdio: 'ignore', timeout: 10_000 });
  return java.status === 0 && javac.status === 0;
}

describe('JAVA_TOOL_OPTIONS', () => {
  it('has java and javac to test with (CI installs them)', () => {
    expect(javaWorks()).toBe(true);
  });

  let dir: string;
  let proxy: Recorder;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tack-java-'));
    proxy = await startRecordingProxy();
  });
  afterAll(async () => {
    stopAll();
    await proxy.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('HttpURLConnection to http://reviews:9080 goes through the proxy', async () => {
    const source = join(dir, 'Main.java');
    writeFileSync(
      source,
      `import java.io.*; import java.net.*;
       public class Main {
         public static void main(String[] args) throws Exception {
           HttpURLConnection c = (HttpURLConnection) new URL("http://reviews:9080/reviews/0").openConnection();
           c.setConnectTimeout(5000); c.setReadTimeout(5000);
           try (InputStream in = c.getInputStream()) { System.out.println(new String(in.readAllBytes(), "UTF-8")); }
         }
       }`,
    );
    const env = { PATH: process.env.PATH ?? '', HOME: dir, ...proxyEnvironment(proxy.port, {}) };
    const result = await run('java', [source], env, dir, 45_000);
    expect(result.code, result.stderr).toBe(0);
    expect(result.json()).toMatchObject({ via: 'proxy', method: 'GET', url: 'http://reviews:9080/reviews/0', host: 'reviews:9080' });
    expect(proxy.records.map((r) => `${r.method} ${r.url} ${r.host}`)).toEqual(['GET http://reviews:9080/reviews/0 reviews:9080']);
  }, 60_000);
});
