/** JSON patch (RFC 6902, `application/json-patch+json`): add, remove, replace, move, copy, test. */
import { isObject, type Json } from './json-merge.js';

export class PatchError extends Error {}

interface Operation {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchError(`invalid JSON pointer "${path}": must start with "/"`);
  return path.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function clone(v: Json): Json {
  return structuredClone(v);
}

/** The container of the pointer's last token, and that token. */
function parentOf(doc: Json, tokens: string[], path: string): { parent: Json; key: string } {
  let cur: Json = doc;
  for (const t of tokens.slice(0, -1)) {
    const next: Json | undefined = Array.isArray(cur) ? cur[Number(t)] : isObject(cur) ? cur[t] : undefined;
    if (next === undefined) throw new PatchError(`path "${path}": "${t}" does not exist`);
    cur = next;
  }
  return { parent: cur, key: tokens[tokens.length - 1] ?? '' };
}

function index(arr: Json[], key: string, path: string, forAdd: boolean): number {
  if (forAdd && key === '-') return arr.length;
  if (!/^(0|[1-9][0-9]*)$/.test(key)) throw new PatchError(`path "${path}": "${key}" is not an array index`);
  const i = Number(key);
  if (i > arr.length || (!forAdd && i === arr.length)) throw new PatchError(`path "${path}": index ${i} is out of bounds`);
  return i;
}

function get(doc: Json, path: string): Json {
  const tokens = pointer(path);
  if (tokens.length === 0) return doc;
  const { parent, key } = parentOf(doc, tokens, path);
  const v = Array.isArray(parent) ? parent[index(parent, key, path, false)] : isObject(parent) ? parent[key] : undefined;
  if (v === undefined) throw new PatchError(`path "${path}" does not exist`);
  return v;
}

function remove(doc: Json, path: string): Json {
  const tokens = pointer(path);
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) return parent.splice(index(parent, key, path, false), 1)[0] ?? null;
  if (!isObject(parent) || !(key in parent)) throw new PatchError(`path "${path}" does not exist`);
  const v = parent[key] ?? null;
  delete parent[key];
  return v;
}

function add(doc: Json, path: string, value: Json): Json {
  const tokens = pointer(path);
  if (tokens.length === 0) return value;
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(index(parent, key, path, true), 0, value);
  else if (isObject(parent)) parent[key] = value;
  else throw new PatchError(`path "${path}": parent is not an object or array`);
  return doc;
}

export function jsonPatch(target: Json, ops: unknown): Json {
  if (!Array.isArray(ops)) throw new PatchError('a JSON patch must be an array of operations');
  let doc = clone(target);
  for (const raw of ops as Operation[]) {
    if (!isObject(raw as unknown) || typeof raw.path !== 'string') throw new PatchError('each operation needs "op" and "path"');
    switch (raw.op) {
      case 'add':
        doc = add(doc, raw.path, clone(raw.value ?? null));
        break;
      case 'remove':
        remove(doc, raw.path);
        break;
      case 'replace':
        get(doc, raw.path);
        if (pointer(raw.path).length === 0) doc = clone(raw.value ?? null);
        else {
          remove(doc, raw.path);
          doc = add(doc, raw.path, clone(raw.value ?? null));
        }
        break;
      case 'move': {
        const v = remove(doc, raw.from ?? '');
        doc = add(doc, raw.path, v);
        break;
      }
      case 'copy':
        doc = add(doc, raw.path, clone(get(doc, raw.from ?? '')));
        break;
      case 'test':
        if (JSON.stringify(get(doc, raw.path)) !== JSON.stringify(raw.value ?? null)) throw new PatchError(`test operation failed at "${raw.path}"`);
        break;
      default:
        throw new PatchError(`unknown operation "${String(raw.op)}"`);
    }
  }
  return doc;
}
