/** A delivery time to the second, in UTC so it reads the same for everyone in the workspace. */
export function formatClock(time: string): string {
  return `${time.slice(0, 19).replace('T', ' ')} UTC`;
}

/** "HTTP 200", or "no answer" when the attempt never reached the receiver. */
export function formatHttpStatus(status: number | null): string {
  return status === null ? 'no answer' : `HTTP ${status}`;
}

export function formatLatency(ms: number | null): string {
  if (ms === null) return '—';
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`;
}
