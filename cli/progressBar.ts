/**
 * A terminal progress bar with rate and ETA, for training and batch jobs in the CLI.
 *
 *   training  [██████████░░░░░░░░░░]  52%  12/23 epochs  1.9 epoch/s  ETA 6s  loss 163.2
 *
 * On a TTY it redraws one line; elsewhere (CI logs, pipes) it prints a plain line at most every few
 * seconds, so logs stay readable. The clock and the stream are injectable for tests.
 */
import { formatDuration } from "../src/format";

export interface ProgressBarOptions {
  label: string;
  total: number;
  unit: string; // "step", "epoch", "notebook"
  stream?: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  now?: () => number; // milliseconds
  /** Minimum milliseconds between plain (non-TTY) lines. */
  plainEveryMs?: number;
  /** false: leave out "done/total units" and the rate (when `total` is an estimate, e.g. a sweep's seconds of work). */
  showCount?: boolean;
}

export class ProgressBar {
  private readonly started: number;
  private lastPlain = -Infinity;
  private done = 0;
  private info = "";
  private finished = false;
  private lastPlainLine = "";

  constructor(private readonly options: ProgressBarOptions) {
    this.started = this.now();
  }

  private now(): number {
    return this.options.now ? this.options.now() : performance.now();
  }

  private get stream() {
    return this.options.stream ?? process.stderr;
  }

  /** Sets progress to `done` of total; `info` is shown at the end of the line (e.g. the loss). */
  update(done: number, info = ""): void {
    this.done = Math.min(done, this.options.total);
    this.info = info;
    const tty = this.stream.isTTY === true;
    const t = this.now();
    if (!tty && t - this.lastPlain < (this.options.plainEveryMs ?? 5000) && this.done < this.options.total) return;
    this.lastPlain = t;
    if (tty) this.stream.write(`\r${this.render()}\x1b[K`);
    else this.writePlain();
  }

  /** Ends the bar with a final line. */
  finish(info?: string): void {
    if (this.finished) return;
    this.finished = true;
    if (info !== undefined) this.info = info;
    if (this.stream.isTTY === true) this.stream.write(`\r${this.render()}\x1b[K\n`);
    else this.writePlain();
  }

  /** Plain logs: one line per update, never the same progress twice. */
  private writePlain(): void {
    const line = this.render();
    const key = `${this.done}|${this.info}`;
    if (key === this.lastPlainLine) return;
    this.lastPlainLine = key;
    this.stream.write(`${line}\n`);
  }

  /** The current line, without control characters. */
  render(): string {
    const { label, total, unit } = this.options;
    const frac = total > 0 ? this.done / total : 1;
    const width = 20;
    const filled = Math.round(frac * width);
    const bar = "█".repeat(filled) + "░".repeat(width - filled);
    const seconds = (this.now() - this.started) / 1000;
    const rate = seconds > 0 ? this.done / seconds : 0;
    const eta = rate > 0 ? (total - this.done) / rate : NaN;
    const parts = [
      `${label} [${bar}] ${String(Math.floor(frac * 100)).padStart(3)}%`,
      this.options.showCount === false ? "" : `${this.done}/${total} ${unit}s`,
      rate > 0 && this.options.showCount !== false ? `${formatRate(rate)} ${unit}/s` : "",
      this.done >= total ? `in ${formatDuration(seconds)}` : Number.isFinite(eta) ? `ETA ${formatDuration(eta)}` : "",
      this.info,
    ];
    return parts.filter(Boolean).join("  ");
  }
}

function formatRate(r: number): string {
  return r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2);
}
