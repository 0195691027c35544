/**
 * Node's `http` server behind the request path's exchange interface: the fallback codec
 * (`tack proxy --http-codec node`), and the reference the lean codec's conformance suite compares with.
 */
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type net from 'node:net';
import type { BodySink, BodySource, DownstreamRequest, DownstreamResponse } from './downstream.js';

/** A request arriving through a CONNECT tunnel carries the tunnel's target port. */
export interface TunnelledSocket {
  tackTunnelPort?: number;
}

class NodeBody implements BodySource {
  constructor(private readonly req: IncomingMessage) {}

  start(sink: BodySink): void {
    this.req.on('data', (c: Buffer) => sink.data(c));
    this.req.on('end', () => sink.end());
    this.req.on('error', (e) => sink.error(e));
    this.req.on('aborted', () => sink.error(new Error('client connection closed')));
  }

  pause(): void {
    this.req.pause();
  }

  resume(): void {
    this.req.resume();
  }
}

export class NodeRequest implements DownstreamRequest {
  readonly body: BodySource;

  constructor(private readonly req: IncomingMessage) {
    this.body = new NodeBody(req);
  }

  get method(): string {
    return this.req.method ?? 'GET';
  }

  get url(): string {
    return this.req.url ?? '/';
  }

  get headers(): IncomingHttpHeaders {
    return this.req.headers;
  }

  get remoteAddress(): string {
    return this.req.socket.remoteAddress ?? '';
  }

  get socket(): net.Socket {
    return this.req.socket;
  }

  get tunnelPort(): number | undefined {
    return (this.req.socket as TunnelledSocket).tackTunnelPort;
  }

  get hasBody(): boolean {
    const len = this.req.headers['content-length'];
    if (len !== undefined) return len !== '0';
    return this.req.headers['transfer-encoding'] !== undefined;
  }

  discard(): void {
    this.req.resume();
  }
}

export class NodeResponse implements DownstreamResponse {
  constructor(private readonly res: ServerResponse) {}

  get headersSent(): boolean {
    return this.res.headersSent;
  }

  get statusCode(): number {
    return this.res.statusCode;
  }

  get finished(): boolean {
    return this.res.writableFinished;
  }

  get aborted(): boolean {
    return this.res.destroyed && !this.res.writableFinished;
  }

  writeHead(status: number, reason: string | undefined, headers: OutgoingHttpHeaders): void {
    if (reason === undefined) this.res.writeHead(status, headers);
    else this.res.writeHead(status, reason, headers);
  }

  write(chunk: Buffer): boolean {
    return this.res.write(chunk);
  }

  end(chunk?: Buffer | string): void {
    if (chunk === undefined) this.res.end();
    else this.res.end(chunk);
  }

  onDrain(callback: () => void): void {
    this.res.once('drain', callback);
  }

  onClose(callback: () => void): void {
    this.res.once('close', callback);
  }

  destroy(): void {
    this.res.destroy();
  }
}
