/** Kubernetes `Status` answers, worded as the API server words them so kubectl prints the same lines. */

export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

/** A failure to be answered as a Status; thrown by the handlers, caught once by the router. */
export class StatusError extends Error {
  constructor(readonly status: KubeStatus) {
    super(status.message);
  }
}

function failure(code: number, reason: string, message: string, details?: StatusDetails): StatusError {
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code });
}

/** `deployments.apps`, `services`: the resource as the API server names it in messages. */
export function qualified(plural: string, group: string): string {
  return group ? `${plural}.${group}` : plural;
}

export const Status = {
  notFound: (plural: string, group: string, name: string): StatusError =>
    failure(404, 'NotFound', `${qualified(plural, group)} "${name}" not found`, { name, ...(group ? { group } : {}), kind: plural }),
  alreadyExists: (plural: string, group: string, name: string): StatusError =>
    failure(409, 'AlreadyExists', `${qualified(plural, group)} "${name}" already exists`, { name, ...(group ? { group } : {}), kind: plural }),
  conflict: (plural: string, group: string, name: string, why: string): StatusError =>
    failure(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(plural, group)} "${name}": ${why}`, { name, ...(group ? { group } : {}), kind: plural }),
  /** 422, with one cause per field, as a validating webhook or a CRD schema reports them. */
  invalid: (kind: string, group: string, name: string, causes: StatusCause[]): StatusError => {
    const list = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
    const summary = list.length === 1 ? (list[0] ?? '') : `[${list.join(', ')}]`;
    return failure(422, 'Invalid', `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${summary}`, { name, ...(group ? { group } : {}), kind, causes });
  },
  badRequest: (message: string): StatusError => failure(400, 'BadRequest', message),
  unauthorized: (): StatusError => failure(401, 'Unauthorized', 'Unauthorized'),
  methodNotAllowed: (message: string): StatusError => failure(405, 'MethodNotAllowed', message),
  notFoundPath: (): StatusError => failure(404, 'NotFound', 'the server could not find the requested resource', {}),
  unsupportedMediaType: (type: string): StatusError => failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got ${type})`),
  gone: (message: string): StatusError => failure(410, 'Expired', message),
};

