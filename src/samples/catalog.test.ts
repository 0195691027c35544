import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL_SAMPLE_ROWS, BOOKINFO_ROWS, findSample, imageRepository, sampleCommand, SAMPLE_ROWS } from './catalog.js';
import { DIST } from './shared/test-support.js';

describe('imageRepository', () => {
  it.each([
    ['docker.io/kong/httpbin:0.1.0', 'kong/httpbin'],
    ['kennethreitz/httpbin', 'kennethreitz/httpbin'],
    ['docker.io/mccutchen/go-httpbin:v2.15.0', 'mccutchen/go-httpbin'],
    ['busybox@sha256:3fbc632167424a6d997e74f52b878d7cc478225cffac6bc977eedfe51c7f4e79', 'busybox'],
    ['docker.io/library/alpine:3.19', 'alpine'],
    ['radial/busyboxplus:curl', 'radial/busyboxplus'],
    ['localhost:5000/fortio/fortio:1.11.3', 'fortio/fortio'],
    ['Docker.IO/Mendhak/HTTP-HTTPS-Echo:31', 'mendhak/http-https-echo'],
  ])('%s → %s', (image, repo) => {
    expect(imageRepository(image)).toBe(repo);
  });
});

describe('findSample', () => {
  it('finds the tutorials images regardless of registry, tag and digest', () => {
    expect(findSample('docker.io/kong/httpbin:0.1.0')?.entry).toBe('samples/httpbin/main.js');
    expect(findSample('kennethreitz/httpbin')?.listensOn).toBe(80);
    expect(findSample('mccutchen/go-httpbin:v2.15.0')?.listensOn).toBe(8080);
    expect(findSample('mendhak/http-https-echo')?.name).toBe('echo');
    expect(findSample('fortio/fortio:latest_release')?.commands['/usr/bin/fortio']).toBe('samples/fortio/cli.js');
    expect(findSample('curlimages/curl:8.1.2')).toMatchObject({ idle: true, entry: 'samples/idle/main.js' });
    expect(findSample('radial/busyboxplus:curl')?.commands.curl).toBe('system:curl');
    expect(findSample('sirile/netdebug')?.idle).toBe(true);
    expect(findSample('docker.io/istio/examples-bookinfo-reviews-v3:1.20.1')).toMatchObject({
      entry: 'samples/bookinfo/reviews.js',
      env: { SERVICE_VERSION: 'v3', ENABLE_RATINGS: 'true', STAR_COLOR: 'red' },
    });
    expect(findSample('nginx:1.25')).toBeUndefined();
    expect(findSample('myapp:1.0')).toBeUndefined();
  });

  it('maps exec commands', () => {
    const curl = findSample('curlimages/curl');
    expect(curl && sampleCommand(curl, '/usr/bin/curl')).toBe('system:curl');
    expect(curl && sampleCommand(curl, 'toString')).toBeUndefined();
    const fortio = findSample('fortio/fortio');
    expect(fortio && sampleCommand(fortio, 'fortio')).toBe('samples/fortio/cli.js');
  });

  it('every image appears once, every row is well formed', () => {
    const images = ALL_SAMPLE_ROWS.flatMap((r) => r.images);
    expect(new Set(images).size).toBe(images.length);
    expect(ALL_SAMPLE_ROWS).toHaveLength(SAMPLE_ROWS.length + BOOKINFO_ROWS.length);
    for (const row of ALL_SAMPLE_ROWS) {
      expect(row.entry).toMatch(/^samples\/[a-z-]+\/[a-z-]+\.js$/);
      for (const image of row.images) expect(imageRepository(image)).toBe(image);
      for (const target of Object.values(row.commands)) expect(target).toMatch(/^(system:[a-z]+|samples\/[a-z/-]+\.js)$/);
    }
  });

  it('the entries of our own samples exist in dist/ (bookinfo is owned elsewhere)', () => {
    for (const row of SAMPLE_ROWS) {
      expect(existsSync(DIST + row.entry), row.entry).toBe(true);
      for (const target of Object.values(row.commands)) if (!target.startsWith('system:')) expect(existsSync(DIST + target), target).toBe(true);
    }
  });
});
