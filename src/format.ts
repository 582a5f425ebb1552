/** Numbers in words for people: durations. Shared by the notebooks' reports, the CLIs and the grader. */

/**
 * A duration, short: seconds with one decimal below 10 s, then whole seconds, minutes, hours.
 *
 * @example
 * formatDuration(4.25);  //=> "4.3s"
 * formatDuration(185);   //=> "3m05s"
 * formatDuration(7380);  //=> "2h03m"
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)}s`;
  const m = Math.floor(seconds / 60),
    s = Math.round(seconds % 60);
  if (m < 60) return `${m}m${String(s).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}
