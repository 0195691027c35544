/**
 * Istio selects security policies by a workload's namespace and labels: a result depends on those
 * and the snapshot alone, so it is computed once per snapshot and label set (replicas share it).
 */
import type { MeshIndex } from './mesh-index.js';

export type PerWorkload<T> = (index: MeshIndex, namespace: string, labels: Readonly<Record<string, string>>) => T;

export function perWorkloadLabels<T>(compute: PerWorkload<T>): PerWorkload<T> {
  const cache = new WeakMap<MeshIndex, Map<string, T>>();
  return (index, namespace, labels) => {
    let byLabels = cache.get(index);
    if (!byLabels) cache.set(index, (byLabels = new Map()));
    const key = `${namespace}|${JSON.stringify(labels)}`;
    if (byLabels.has(key)) return byLabels.get(key) as T;
    const value = compute(index, namespace, labels);
    byLabels.set(key, value);
    return value;
  };
}
