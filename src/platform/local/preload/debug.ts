/** The preload is silent unless `TACK_PRELOAD_DEBUG=1`: a workload's stderr belongs to the workload. */
export type Log = (message: string) => void;

export function debugLog(env: NodeJS.ProcessEnv): Log {
  if (env.TACK_PRELOAD_DEBUG !== '1') return () => {};
  return (message) => {
    try {
      process.stderr.write(`[tack-preload ${process.pid}] ${message}\n`);
    } catch {
      // Never let logging break the workload.
    }
  };
}
