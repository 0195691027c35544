/**
 * A minimal proxy on Node's own `http` client and server (keep-alive agent, 75/25 split, no routing
 * or resilience): what the `node:http` stack costs per request on this machine, for `npm run bench`.
 */
import http from 'node:http';

const [listenPort, portA, portB] = process.argv.slice(2).map(Number) as [number, number, number];
const agent = new http.Agent({ keepAlive: true, maxFreeSockets: 64, scheduling: 'lifo' });
let turn = 0;

http
  .createServer({ keepAlive: true, noDelay: true }, (req, res) => {
    const port = turn++ % 4 === 3 ? portB : portA;
    const up = http.request({ host: '127.0.0.1', port, path: req.url, method: req.method, headers: req.headers, agent }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  })
  .listen(listenPort, '127.0.0.1');
