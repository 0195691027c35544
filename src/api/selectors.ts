/** Label selection as Kubernetes and Istio do it for `matchLabels`-style maps. */

/** Every entry of `selector` is among `labels` with the same value. An empty or absent selector includes everything. */
export function labelsInclude(selector: Readonly<Record<string, string>> | undefined, labels: Readonly<Record<string, string>> | undefined): boolean {
  if (!selector) return true;
  for (const k in selector) if (labels?.[k] !== selector[k]) return false;
  return true;
}
