/**
 * Progress on long work: a live bar on a terminal, a log line every few
 * seconds otherwise (CI logs, pipes), nothing with --quiet.
 */
import cliProgress from 'cli-progress';

export interface ProgressOptions {
  label: string;
  total?: number;
  unit?: string;
  quiet?: boolean;
  logEveryMs?: number;
}

/**
 * @example
 * const p = new Progress({ label: 'simulate', total: 20000, unit: 'alerts' });
 * p.update(100); … p.stop();
 */
export class Progress {
  private readonly bar: cliProgress.SingleBar | undefined;
  private lastLog = 0;
  private readonly started = performance.now();
  private value = 0;

  constructor(private readonly o: ProgressOptions) {
    if (o.quiet || !process.stderr.isTTY) return;
    const total = o.total ?? 0;
    const format = total > 0
      ? `${o.label} [{bar}] {percentage}% | {value}/{total} ${o.unit ?? ''} | {rate}/s | eta {eta_formatted}{extra}`
      : `${o.label} {value} ${o.unit ?? ''} | {rate}/s{extra}`;
    this.bar = new cliProgress.SingleBar({ format, stream: process.stderr, hideCursor: true, clearOnComplete: false, etaBuffer: 50, fps: 5 }, cliProgress.Presets.shades_classic);
    this.bar.start(total, 0, { rate: '0', extra: '' });
  }

  update(value: number, extra = ''): void {
    this.value = value;
    const seconds = (performance.now() - this.started) / 1000;
    const rate = seconds > 0 ? Math.round(value / seconds).toString() : '0';
    if (this.bar) {
      this.bar.update(value, { rate, extra: extra ? ` | ${extra}` : '' });
      return;
    }
    if (this.o.quiet) return;
    const now = performance.now();
    if (now - this.lastLog >= (this.o.logEveryMs ?? 5000)) {
      this.lastLog = now;
      const of = this.o.total ? `/${this.o.total}` : '';
      process.stderr.write(`${this.o.label}: ${value}${of} ${this.o.unit ?? ''} (${rate}/s)${extra ? ' ' + extra : ''}\n`);
    }
  }

  stop(): void {
    if (this.bar) {
      this.bar.update(this.value);
      this.bar.stop();
    }
  }
}
