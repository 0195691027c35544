/** The Kubernetes API over tack's store: authentication, discovery, OpenAPI, then the object verbs. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConfigStore } from '../../store/index.js';
import type { PushServer } from '../../push/index.js';
import type { LocalRunner } from '../../platform/local/runner.js';
import { PROXY_IMAGE } from '../../api/builtins.js';
import { HttpError, readJson } from '../http-util.js';
import { aggregated, coreVersions, groupDocument, groupList, resourceList, versionInfo, wantsAggregated } from './discovery.js';
import { openApiDocument, openApiIndex } from './openapi.js';
import { parseApiPath } from './paths.js';
import { Status, StatusError } from './status.js';
import { authorized } from './auth.js';
import { VersionTracker } from './versions.js';
import { ObjectView } from './view.js';
import { create, del, deleteCollection, getOrList, patch, update, type Answer, type CrudContext, type ObjectRequest } from './crud.js';
import { watch } from './watch.js';
import type { PodDetails } from './objects.js';

export interface KubeApiDeps {
  store: ConfigStore;
  push: Pick<PushServer, 'flush' | 'waitFor' | 'status'>;
  runner?: LocalRunner | undefined;
  /** The bearer token requests must carry; without one every request is refused. */
  token: string | undefined;
  version: string;
  now(): number;
  /** How often a watch that allows bookmarks gets one. */
  bookmarkMs?: number;
}

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json', warnings: readonly string[] = []): void {
  const text = JSON.stringify(body);
  // kubectl prints each `Warning: 299 - "..."` header as a warning line.
  const headers: Record<string, string | string[]> = { 'content-type': type, 'content-length': String(Buffer.byteLength(text)), 'cache-control': 'no-cache, private' };
  if (warnings.length > 0) headers.warning = warnings.map((w) => `299 - ${JSON.stringify(w.replace(/[\r\n]+/g, ' '))}`);
  res.writeHead(status, headers);
  res.end(text);
}

function podDetails(runner: LocalRunner | undefined): ((ns: string, name: string) => PodDetails | undefined) | undefined {
  if (!runner) return undefined;
  return (ns, name) => {
    const pod = runner.pod(ns, name);
    if (!pod) return undefined;
    const images = new Map(pod.plan.spec.containers.map((c) => [c.name, c.image]));
    return { containers: pod.containerNames().map((n) => ({ name: n, image: images.get(n) ?? PROXY_IMAGE })), nodeName: 'local' };
  };
}

export interface KubeApi {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

export function createKubeApi(deps: KubeApiDeps): KubeApi {
  const tracker = new VersionTracker(deps.store);
  const view = new ObjectView({ store: deps.store, tracker, ...(deps.runner ? { podDetails: podDetails(deps.runner) } : {}) });
  const ctx: CrudContext = {
    store: deps.store,
    view,
    runnable: deps.runner !== undefined,
    now: deps.now,
    async settle() {
      deps.push.flush();
      await deps.push.waitFor(() => deps.push.status().every((s) => !s.connected || s.state !== 'STALE'), 3_000);
    },
  };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<Answer | undefined> {
    const url = new URL(req.url ?? '/', 'http://kube');
    const method = req.method ?? 'GET';
    const accept = req.headers.accept ?? 'application/json';
    const p = parseApiPath(url.pathname);
    const read = method === 'GET' || method === 'HEAD';
    switch (p.kind) {
      case 'version':
        return { status: 200, body: versionInfo(deps.version) };
      case 'api':
      case 'apis': {
        const type = wantsAggregated(accept);
        if (type) {
          send(res, 200, aggregated(p.kind === 'api', type.includes('v=v2beta1') ? 'apidiscovery.k8s.io/v2beta1' : 'apidiscovery.k8s.io/v2'), type);
          return undefined;
        }
        return { status: 200, body: p.kind === 'api' ? coreVersions(req.headers.host ?? '127.0.0.1') : groupList() };
      }
      case 'group': {
        const doc = groupDocument(p.group);
        if (!doc) throw Status.notFoundPath();
        return { status: 200, body: doc };
      }
      case 'resources': {
        const doc = resourceList(p.group, p.version);
        if (!doc) throw Status.notFoundPath();
        return { status: 200, body: doc };
      }
      case 'openapi': {
        const doc = p.rest === 'v3' ? openApiIndex() : p.rest.startsWith('v3/') ? openApiDocument(p.rest.slice(3)) : undefined;
        if (!doc || !read) throw Status.notFoundPath();
        return { status: 200, body: doc };
      }
      case 'unknown':
        throw Status.notFoundPath();
      case 'object':
        break;
    }
    const o: ObjectRequest = { type: p.type, version: p.version, namespace: p.namespace, name: p.name, query: url.searchParams, accept };
    if (p.type.kind === 'Namespace' && p.name !== undefined) o.namespace = undefined;
    if (p.subresource !== undefined) return subresource(o, p.subresource, method, res);
    const watching = ['1', 'true'].includes(url.searchParams.get('watch') ?? '');
    if (read && watching) {
      watch(ctx, tracker, o, res, { bookmarkMs: deps.bookmarkMs ?? 15_000 });
      return undefined;
    }
    if (read) return getOrList(ctx, o);
    if (method === 'POST' && o.name === undefined) return create(ctx, o, await body(req));
    if (method === 'PUT' && o.name !== undefined) return update(ctx, o, await body(req));
    if (method === 'PATCH' && o.name !== undefined) return patch(ctx, o, req.headers['content-type'] ?? '', await body(req));
    if (method === 'DELETE') return o.name === undefined ? deleteCollection(ctx, o) : del(ctx, o);
    throw Status.methodNotAllowed(`the server does not allow this method on the requested resource`);
  }

  /** `pods/NAME/log`: the container's log as kubectl logs prints it. */
  function subresource(o: ObjectRequest, sub: string, method: string, res: ServerResponse): Answer | undefined {
    if (o.type.kind !== 'Pod' || sub !== 'log' || method !== 'GET' || o.name === undefined) throw Status.notFoundPath();
    const pod = deps.runner?.pod(o.namespace ?? '', o.name);
    if (!pod) throw Status.notFound('pods', '', o.name);
    const container = o.query.get('container') ?? pod.containerNames()[0] ?? '';
    if (!pod.containerNames().includes(container)) throw Status.badRequest(`container ${container} is not valid for pod ${o.name}`);
    void streamLog(pod.logFile(container), o.query.get('tailLines'), res);
    return undefined;
  }

  return {
    async handle(req, res) {
      try {
        if (!authorized(req.headers.authorization, deps.token)) throw Status.unauthorized();
        const answer = await route(req, res);
        if (answer) send(res, answer.status, answer.body, 'application/json', answer.warnings);
      } catch (err) {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        const status = err instanceof StatusError ? err.status : err instanceof HttpError ? Status.badRequest(err.message).status : Status.badRequest(err instanceof Error ? err.message : String(err)).status;
        if (err instanceof HttpError && err.status === 413) status.code = 413;
        send(res, status.code, status);
      }
    },
  };
}

async function body(req: IncomingMessage): Promise<unknown> {
  return readJson<unknown>(req);
}

async function streamLog(file: string, tail: string | null, res: ServerResponse): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  const text = await readFile(file, 'utf8').catch(() => '');
  const n = tail === null ? undefined : Number(tail);
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const out = n !== undefined && Number.isInteger(n) && n >= 0 ? lines.slice(Math.max(0, lines.length - n)) : lines;
  const payload = out.length > 0 ? `${out.join('\n')}\n` : '';
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(Buffer.byteLength(payload)) });
  res.end(payload);
}
