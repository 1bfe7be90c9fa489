// The --skip-invalid output: every rejected row as it was read, plus its line number and the reason,
// as a CSV an operator can fix and re-import.
import fs from 'node:fs';
import type { ErrorDetail } from '../../errors';

export function csvField(v: unknown): string {
  const s = v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function describeProblem(p: ErrorDetail): string {
  const where = p.column ? `${p.column}: ` : '';
  const value = p.value !== undefined ? ` (value: ${JSON.stringify(p.value)})` : '';
  return `${where}${p.problem}${value}`;
}

export class RejectedWriter {
  private readonly fd: number;
  count = 0;
  constructor(
    readonly file: string,
    private readonly header: string[] | null,
  ) {
    this.fd = fs.openSync(file, 'w');
    const cols = header ? [...header, '_row', '_reason'] : ['_row', '_reason', '_record'];
    fs.writeSync(this.fd, `${cols.map(csvField).join(',')}\n`);
  }

  write(row: unknown, line: number, problems: ErrorDetail[]) {
    const reason = problems.map(describeProblem).join('; ');
    const cells = this.header ? [...this.header.map((_, i) => (row as string[])[i]), line, reason] : [line, reason, row];
    fs.writeSync(this.fd, `${cells.map(csvField).join(',')}\n`);
    this.count++;
  }

  async close() {
    try {
      fs.closeSync(this.fd);
    } catch {
      /* already closed */
    }
  }
}
