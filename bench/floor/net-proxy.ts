/**
 * The floor of a Node.js proxy on this machine: bytes in, bytes out over `node:net`, with a 75/25
 * split and pooled upstream connections, and nothing else — no validation, no routing, no
 * resilience. It assumes every request is a GET and every response has a Content-Length, so it is
 * a measuring stick for `npm run bench`, never a proxy to use.
 */
import net from 'node:net';

const [listenPort, portA, portB] = process.argv.slice(2).map(Number) as [number, number, number];
const idle = new Map<number, net.Socket[]>([[portA, []], [portB, []]]);
let turn = 0;

function upstream(port: number): net.Socket {
  const pooled = idle.get(port)?.pop();
  if (pooled) return pooled;
  const s = net.connect({ port, host: '127.0.0.1', noDelay: true });
  s.on('error', () => s.destroy());
  return s;
}

net
  .createServer({ noDelay: true }, (client) => {
    let head: Buffer | undefined;
    client.on('error', () => client.destroy());
    client.on('data', (d: Buffer) => {
      head = head ? Buffer.concat([head, d]) : d;
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      const request = head.subarray(0, end + 4);
      head = undefined;
      const port = turn++ % 4 === 3 ? portB : portA;
      const up = upstream(port);
      let response: Buffer | undefined;
      let need = -1;
      const onData = (chunk: Buffer): void => {
        response = response ? Buffer.concat([response, chunk]) : chunk;
        if (need < 0) {
          const e = response.indexOf('\r\n\r\n');
          if (e < 0) return;
          const m = /content-length: *(\d+)/i.exec(response.toString('latin1', 0, e));
          need = e + 4 + Number(m?.[1] ?? 0);
        }
        if (response.length < need) return;
        client.write(response);
        up.removeListener('data', onData);
        idle.get(port)?.push(up);
      };
      up.on('data', onData);
      up.write(request);
    });
  })
  .listen(listenPort, '127.0.0.1');
