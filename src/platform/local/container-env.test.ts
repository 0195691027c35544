/** What a container's process finds in its environment: its own env entries and the ConfigMaps and Secrets they name. */
import { describe, it, expect } from 'vitest';
import { containerEnv, type EnvContext } from './container-env.js';
import type { Container } from '../../api/kinds/pod-spec.js';
import type { Resource } from '../../api/index.js';

function resource(kind: 'ConfigMap' | 'Secret', name: string, object: Record<string, unknown>): Resource {
  return { apiVersion: 'v1', kind, name, namespace: 'default', metadata: { name, namespace: 'default' }, object: { kind, ...object }, source: { file: 'm.yaml', line: 1 }, lineOf: () => 1 };
}

const store = [
  resource('ConfigMap', 'settings', { data: { MODE: 'canary', LEVEL: 'debug' } }),
  resource('Secret', 'creds', { data: { TOKEN: Buffer.from('s3cret').toString('base64') }, stringData: { USER: 'admin' } }),
];
const ctx: EnvContext = {
  pod: { namespace: 'default', name: 'app-1', serviceAccount: 'app', labels: { app: 'app' }, annotations: {} },
  lookup: (kind, namespace, name) => store.find((r) => r.kind === kind && r.namespace === namespace && r.name === name),
};

describe('containerEnv', () => {
  it('env, envFrom and valueFrom: values, ConfigMap and Secret keys (prefixed), field references and $(VAR) expansion', () => {
    const container = {
      name: 'app',
      envFrom: [{ configMapRef: { name: 'settings' } }, { secretRef: { name: 'creds' }, prefix: 'DB_' }],
      env: [
        { name: 'GREETING', value: 'hello $(MODE)' },
        { name: 'ONLY_LEVEL', valueFrom: { configMapKeyRef: { name: 'settings', key: 'LEVEL' } } },
        { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'TOKEN' } } },
        { name: 'ME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      ],
    } as Container;
    const { env, problems } = containerEnv(container, ctx, { PORT: '8080' });
    expect(problems).toEqual([]);
    expect(env).toMatchObject({ PORT: '8080', MODE: 'canary', LEVEL: 'debug', DB_TOKEN: 's3cret', DB_USER: 'admin', GREETING: 'hello canary', ONLY_LEVEL: 'debug', PASSWORD: 's3cret', ME: 'app-1' });
  });

  it('names a missing ConfigMap or key, unless it is optional', () => {
    const container = {
      name: 'app',
      envFrom: [{ configMapRef: { name: 'absent' } }, { configMapRef: { name: 'maybe', optional: true } }],
      env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'creds', key: 'NOPE' } } }],
    } as Container;
    expect(containerEnv(container, ctx, {}).problems).toEqual(['ConfigMap "absent" for envFrom not found', 'Secret "creds" key "NOPE" for env X not found']);
  });
});
