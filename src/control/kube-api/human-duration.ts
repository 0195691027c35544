/** Ages as the API server prints them in tables (apimachinery's HumanDuration): 45s, 7m3s, 3h20m, 5d. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  const rest = (n: number, unit: string): string => (n === 0 ? '' : `${n}${unit}`);
  if (minutes < 10) return `${minutes}m${rest(seconds % 60, 's')}`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return `${hours}h${rest(minutes % 60, 'm')}`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 8) return `${days}d${rest(hours % 24, 'h')}`;
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.floor(days / 365);
  if (hours < 24 * 365 * 8) return `${years}y${rest(days % 365, 'd')}`;
  return `${years}y`;
}

/** Age of an object from its RFC 3339 creationTimestamp. */
export function ageOf(created: unknown, now: number): string {
  if (typeof created !== 'string') return '<unknown>';
  const t = Date.parse(created);
  return Number.isNaN(t) ? '<invalid>' : humanDuration(now - t);
}
