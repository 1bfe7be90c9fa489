// @ts-check
// A table sorted by clicking its headers.
import { fill, h } from './dom.js';

/**
 * @template R
 * @typedef {object} Column
 * @property {string} key
 * @property {string} label
 * @property {boolean} [num] right-aligned figures (sorted largest first on the first click)
 * @property {string} [title] what the column is, on hover
 * @property {boolean} [sortable] false: a header that does not sort
 * @property {string} [cls] the cells' class (e.g. nowrap)
 * @property {(row: R) => number | string | null | undefined} get the value it sorts by
 * @property {(row: R) => import('./dom.js').Children} render
 */

/**
 * @template R
 * @param {R[]} rows
 * @param {Column<R>[]} columns
 * @param {{ initial?: { key: string, desc: boolean }, onRow?: (row: R) => void, label?: string }} [opts]
 */
export function sortableTable(rows, columns, { initial, onRow, label } = {}) {
  let sortKey = initial?.key ?? columns[0].key;
  let desc = initial?.desc ?? true;
  const tbody = h('tbody');
  const headRow = h('tr');
  const draw = () => {
    const col = columns.find((c) => c.key === sortKey) ?? columns[0];
    fill(
      tbody,
      sortRows(rows, col, desc).map((r) =>
        h(
          'tr',
          onRow
            ? {
                class: 'clickable',
                tabindex: 0,
                onclick: () => onRow(r),
                onkeydown: (/** @type {KeyboardEvent} */ e) => e.key === 'Enter' && onRow(r),
              }
            : {},
          columns.map((c) => h('td', { class: c.num ? 'num' : (c.cls ?? '') }, c.render(r))),
        ),
      ),
    );
    for (const th of headRow.querySelectorAll('th')) {
      const active = th.dataset.key === sortKey;
      const arrow = th.querySelector('.arrow');
      if (arrow) arrow.textContent = active ? (desc ? '↓' : '↑') : '';
      th.setAttribute('aria-sort', active ? (desc ? 'descending' : 'ascending') : 'none');
    }
  };
  /** @param {Column<R>} c */
  const onHeader = (c) => {
    if (c.sortable === false) return;
    if (sortKey === c.key) desc = !desc;
    else {
      sortKey = c.key;
      desc = c.num ?? false;
    }
    draw();
  };
  fill(
    headRow,
    columns.map((c) =>
      h(
        'th',
        {
          class: `${c.num ? 'num ' : ''}${c.sortable === false ? '' : 'sortable'}`,
          dataset: { key: c.key },
          title: c.title,
          onclick: () => onHeader(c),
        },
        c.label,
        ' ',
        h('span', { class: 'arrow' }),
      ),
    ),
  );
  draw();
  return h('div', { class: 'table-wrap table-scroll' }, h('table', { class: 'data', 'aria-label': label }, h('thead', {}, headRow), tbody));
}

/**
 * Rows in a column's order; missing values last whichever the direction.
 * @template R
 * @param {R[]} rows
 * @param {Column<R>} col
 * @param {boolean} desc
 */
function sortRows(rows, col, desc) {
  return [...rows].sort((a, b) => {
    const va = col.get(a);
    const vb = col.get(b);
    if (va === vb) return 0;
    if (va === undefined || va === null) return 1;
    if (vb === undefined || vb === null) return -1;
    const r = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
    return desc ? -r : r;
  });
}
