/** The kubelet's service variables: names, values and the first port's special cases. */
import { describe, it, expect } from 'vitest';
import { serviceEnvironment } from './service-env.js';

describe('serviceEnvironment', () => {
  it('names every variable as the kubelet does, for each port', () => {
    const env = serviceEnvironment([
      { name: 'redis-master', clusterIP: '127.96.0.11', ports: [{ port: 6379 }] },
      { name: 'web', clusterIP: '127.96.3.4', ports: [{ port: 80, name: 'http-main' }, { port: 53, name: 'dns', protocol: 'UDP' }] },
    ]);
    expect(env).toEqual({
      REDIS_MASTER_SERVICE_HOST: '127.96.0.11',
      REDIS_MASTER_SERVICE_PORT: '6379',
      REDIS_MASTER_PORT: 'tcp://127.96.0.11:6379',
      REDIS_MASTER_PORT_6379_TCP: 'tcp://127.96.0.11:6379',
      REDIS_MASTER_PORT_6379_TCP_PROTO: 'tcp',
      REDIS_MASTER_PORT_6379_TCP_PORT: '6379',
      REDIS_MASTER_PORT_6379_TCP_ADDR: '127.96.0.11',
      WEB_SERVICE_HOST: '127.96.3.4',
      WEB_SERVICE_PORT: '80',
      WEB_SERVICE_PORT_HTTP_MAIN: '80',
      WEB_SERVICE_PORT_DNS: '53',
      WEB_PORT: 'tcp://127.96.3.4:80',
      WEB_PORT_80_TCP: 'tcp://127.96.3.4:80',
      WEB_PORT_80_TCP_PROTO: 'tcp',
      WEB_PORT_80_TCP_PORT: '80',
      WEB_PORT_80_TCP_ADDR: '127.96.3.4',
      WEB_PORT_53_UDP: 'udp://127.96.3.4:53',
      WEB_PORT_53_UDP_PROTO: 'udp',
      WEB_PORT_53_UDP_PORT: '53',
      WEB_PORT_53_UDP_ADDR: '127.96.3.4',
    });
  });

  it('a Service without ports still has its host', () => {
    expect(serviceEnvironment([{ name: 'x', clusterIP: '127.96.0.2', ports: [] }])).toEqual({ X_SERVICE_HOST: '127.96.0.2' });
  });
});
