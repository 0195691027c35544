/** Responses the proxy makes itself, with Envoy's status codes, bodies and response flags. */
import type { OutgoingHttpHeaders } from 'node:http';
import { httpDate } from '../h1/serialize.js';

export type ResponseFlag = 'NR' | 'NC' | 'UH' | 'UF' | 'UO' | 'UT' | 'UR' | 'URX' | 'UC' | 'DC' | 'FI' | 'DI' | 'RL' | 'UAEX' | 'SI' | '-';

export interface LocalReply {
  status: number;
  body: string;
  flag: ResponseFlag;
  headers?: Record<string, string>;
}

export const REPLIES = {
  badRequest: { status: 400, body: 'Bad Request', flag: '-' },
  noRoute: { status: 404, body: '', flag: 'NR' },
  noCluster: { status: 503, body: '', flag: 'NC' },
  noHealthyUpstream: { status: 503, body: 'no healthy upstream', flag: 'UH' },
  connectFailure: { status: 503, body: 'upstream connect error or disconnect/reset before headers. reset reason: connection failure', flag: 'UF' },
  upstreamReset: { status: 503, body: 'upstream connect error or disconnect/reset before headers. reset reason: connection termination', flag: 'UR' },
  upstreamTimeout: { status: 504, body: 'upstream request timeout', flag: 'UT' },
  overflow: { status: 503, body: 'upstream connect error or disconnect/reset before headers. reset reason: overflow', flag: 'UO', headers: { 'x-envoy-overloaded': 'true' } },
  blackHole: { status: 502, body: '', flag: 'NR' },
} as const satisfies Record<string, LocalReply>;

export function localReplyHeaders(reply: LocalReply, extraHeaders?: Record<string, string>): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = { 'content-length': Buffer.byteLength(reply.body), date: httpDate(), server: 'istio-envoy' };
  if (reply.body) headers['content-type'] = 'text/plain';
  if (reply.headers) Object.assign(headers, reply.headers);
  if (extraHeaders) Object.assign(headers, extraHeaders);
  return headers;
}
