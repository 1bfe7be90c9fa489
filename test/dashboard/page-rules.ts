// Rules every dashboard page must pass in the browser test (#15 "What must work" 1): no visible
// null / undefined / NaN / Infinity / [object Object]; no horizontal overflow; one money format
// per table column (full "$878,141" or short "$1.48M", never mixed, never "$460.7" or "-$461").
import type { Page } from 'playwright-core';

export interface PageProblems {
  /** Visible text that leaks a missing or broken value, with where it is. */
  leaks: string[];
  /** Table columns whose money cells mix formats, or cells in no known money format. */
  money: string[];
  /** document.documentElement.scrollWidth beyond the viewport. */
  overflow: number | null;
}

/** Classifies one money token: full ($878,141), short ($1.48M), small ($461, either) or bad. */
export function moneyFormat(token: string): 'full' | 'short' | 'small' | 'bad' {
  if (/^[−+±]?\$\d{1,3}(,\d{3})+$/.test(token)) return 'full';
  if (/^[−+±]?\$\d+(\.\d+)?[KMB]$/.test(token)) return 'short';
  if (/^[−+±]?\$\d{1,3}$/.test(token)) return 'small';
  return 'bad';
}

/** Runs in the page: visible text leaks and the money cells of every table, by column. */
function collect() {
  const visible = (el: Element | null): boolean => {
    for (let e = el; e; e = e.parentElement) {
      const cs = getComputedStyle(e);
      if (cs.display === 'none' || cs.visibility === 'hidden') return false;
      if (e instanceof HTMLDialogElement && !e.open) return false;
    }
    return true;
  };
  const where = (el: Element | null) => {
    const host = el?.closest('[id]');
    return host ? `#${host.id}` : (el?.tagName.toLowerCase() ?? '?');
  };
  const tableName = (t: Element) => {
    const host = t.closest('[id]');
    return host ? `#${host.id} table` : 'table';
  };
  const leaks: string[] = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.textContent ?? '';
    const m = /\b(null|undefined|NaN|Infinity)\b|\[object Object\]/.exec(text);
    if (m && visible(n.parentElement)) leaks.push(`${where(n.parentElement)}: "${text.trim().slice(0, 80)}"`);
  }
  const tables = Array.from(document.querySelectorAll('table')).filter((t) => visible(t));
  const columns = tables.map((t) => {
    const head = Array.from(t.querySelectorAll('thead th')).map((th) => (th.textContent ?? '').replace(/[↑↓]/g, '').trim());
    const cols: Record<number, string[]> = {};
    for (const row of Array.from(t.querySelectorAll('tbody tr, tfoot tr'))) {
      Array.from(row.children).forEach((cell, i) => {
        const money = (cell.textContent ?? '').match(/[−+±-]?\$[\d.,]+[KMB]?/g);
        if (money) (cols[i] ??= []).push(...money);
      });
    }
    return { table: tableName(t), head, cols };
  });
  return { leaks, columns, scrollWidth: document.documentElement.scrollWidth, width: window.innerWidth };
}

export async function pageProblems(page: Page): Promise<PageProblems> {
  const r = await page.evaluate(collect);
  const money: string[] = [];
  for (const t of r.columns) {
    for (const [i, tokens] of Object.entries(t.cols)) {
      const name = `${t.table} column "${t.head[Number(i)] ?? i}"`;
      const kinds = new Set(tokens.map(moneyFormat));
      for (const tok of tokens.filter((x) => moneyFormat(x) === 'bad')) money.push(`${name}: "${tok}" is in no money format`);
      if (kinds.has('full') && kinds.has('short'))
        money.push(
          `${name} mixes formats: ${tokens
            .filter((x) => moneyFormat(x) !== 'small')
            .slice(0, 4)
            .join(' / ')}`,
        );
    }
  }
  return { leaks: r.leaks, money, overflow: r.scrollWidth > r.width ? r.scrollWidth : null };
}
