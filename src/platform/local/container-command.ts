/** How a container runs on this machine: its own command, a built-in sample, or tack's proxy. */
import { fileURLToPath } from 'node:url';
import type { Container } from '../../api/kinds/pod-spec.js';
import { PROXY_IMAGE } from '../../api/builtins.js';
import { findSample, imageRepository, SYSTEM_COMMAND_PREFIX, sampleCommand } from '../../samples/catalog.js';

/** The compiled package's `dist/` folder, where samples and the CLI live. */
export const DIST_DIR = fileURLToPath(new URL('../../', import.meta.url));

export type ContainerRun =
  | { kind: 'command'; command: string; args: string[]; sampleEnv: Record<string, string> }
  | { kind: 'gateway' }
  | { kind: 'error'; message: string };

export function isProxyImage(image: string | undefined): boolean {
  return image !== undefined && imageRepository(image) === imageRepository(PROXY_IMAGE);
}

/** Decides how to run a container; `where` names it in errors (`Deployment default/myapp`). */
export function containerRun(container: Container, where: string): ContainerRun {
  if (isProxyImage(container.image)) return { kind: 'gateway' };
  const command = container.command ?? [];
  const args = container.args ?? [];
  if (command.length > 0) {
    const [first, ...rest] = command;
    return { kind: 'command', command: first as string, args: [...rest, ...args], sampleEnv: {} };
  }
  const sample = container.image ? findSample(container.image) : undefined;
  if (sample) {
    return { kind: 'command', command: process.execPath, args: [`${DIST_DIR}${sample.entry}`, ...args], sampleEnv: { ...(sample.env ?? {}) } };
  }
  return {
    kind: 'error',
    message: `${where}: container "${container.name}" uses image "${container.image ?? ''}", which tack cannot run without a container engine. Add a \`command\` (and \`args\`) that runs the program locally, or use an image tack has a built-in sample for (httpbin, mendhak/http-https-echo, fortio, curl/sleep images, Istio's bookinfo).`,
  };
}

/**
 * A command typed for `tack exec` inside a container: built-in images map their programs
 * (`/usr/bin/fortio` → tack's fortio); anything else runs as typed.
 */
export function execCommand(image: string | undefined, argv: readonly string[]): { command: string; args: string[] } {
  const [first, ...rest] = argv;
  if (first === undefined) throw new Error('no command given');
  const sample = image ? findSample(image) : undefined;
  const mapped = sample ? sampleCommand(sample, first) : undefined;
  if (mapped?.startsWith(SYSTEM_COMMAND_PREFIX)) return { command: mapped.slice(SYSTEM_COMMAND_PREFIX.length), args: rest };
  if (mapped) return { command: process.execPath, args: [`${DIST_DIR}${mapped}`, ...rest] };
  return { command: first, args: rest };
}
