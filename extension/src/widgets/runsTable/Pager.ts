/**
 * Paging through search results: Prev / Next, the range shown and the total ("101–200 of
 * 5,000"), a page box to jump to any page, and the page size. Search tokens are offsets in
 * MLflow's format (`pageTokenAt`), so any page is one read away, not a walk through the ones
 * before it.
 */
import { pageTokenAt } from '@lablog/schema';

/** Page size of the runs table, unless the user picks another. */
export const PAGE_SIZE = 100;

/** The page sizes offered (MLflow's UI offers the same kind of choice). */
export const PAGE_SIZES = [25, 50, 100, 250, 500, 1000] as const;

const count = new Intl.NumberFormat('en-US');

/** Prev/Next buttons, the range, the page box and the size; `node` holds them. */
export class Pager {
  readonly node = document.createElement('div');
  private readonly prev = document.createElement('button');
  private readonly next = document.createElement('button');
  private readonly range = document.createElement('span');
  private readonly jump = document.createElement('label');
  private readonly jumpInput = document.createElement('input');
  private readonly jumpOf = document.createElement('span');
  private readonly sizeSelect = document.createElement('select');
  private index = 0;
  private hasNext = false;
  private shown = 0;
  /** Runs found over all pages, once counted (null until then). */
  private total: number | null = null;
  /** Runs per page. */
  size = PAGE_SIZE;

  /**
   * @param go called after the page changed, to read it
   * @param resized called when the user picks another page size
   */
  constructor(
    private readonly go: () => void,
    resized: (size: number) => void = () => undefined,
  ) {
    this.node.className = 'll-pager';
    this.range.className = 'll-pager-range';
    this.range.setAttribute('aria-live', 'polite');
    for (const [b, label, text] of [
      [this.prev, 'Previous page', '‹ Prev'],
      [this.next, 'Next page', 'Next ›'],
    ] as const) {
      b.type = 'button';
      b.className = 'll-button';
      b.setAttribute('aria-label', label);
      b.textContent = text;
    }
    this.prev.addEventListener('click', () => this.moveTo(this.index - 1));
    this.next.addEventListener('click', () => {
      if (this.hasNext) this.moveTo(this.index + 1);
    });
    this.jump.className = 'll-pager-jump';
    this.jumpInput.type = 'number';
    this.jumpInput.min = '1';
    this.jumpInput.className = 'll-input';
    this.jumpInput.setAttribute('aria-label', 'Page number');
    this.jumpInput.addEventListener('change', () => this.jumpTo());
    this.jumpInput.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') this.jumpTo();
    });
    this.jump.append('Page ', this.jumpInput, this.jumpOf);
    this.sizeSelect.className = 'll-input ll-page-size';
    this.sizeSelect.setAttribute('aria-label', 'Runs per page');
    for (const n of PAGE_SIZES) this.sizeSelect.append(Object.assign(document.createElement('option'), { value: String(n), textContent: `${n} / page` }));
    this.sizeSelect.value = String(this.size);
    this.sizeSelect.addEventListener('change', () => resized(Number(this.sizeSelect.value)));
    this.node.append(this.range, this.prev, this.jump, this.next, this.sizeSelect);
    this.show(0);
  }

  /** The token of the page to read (undefined for the first). */
  get token(): string | undefined {
    return this.index === 0 ? undefined : pageTokenAt(this.index * this.size);
  }

  /** Which page is shown (0 = the first), for the URL. */
  get pageIndex(): number {
    return this.index;
  }

  /** Opens page `index` (from a link). */
  openAt(index: number): void {
    this.reset();
    this.index = Math.max(0, Math.floor(index));
  }

  /** Sets the page size (from the URL); a change goes back to the first page. */
  setSize(size: number): void {
    this.sizeSelect.value = String(size);
    if (size === this.size) return;
    this.size = size;
    this.reset();
  }

  /** Whether the total is known (it is forgotten when the runs searched change). */
  get hasTotal(): boolean {
    return this.total !== null;
  }

  /** Whether the first page is shown. */
  get first(): boolean {
    return this.index === 0;
  }

  /**
   * Back to the first page (a new filter or order).
   * @param keepTotal the runs searched are the same (only their order changed): the total stands;
   *   otherwise it is forgotten, to be counted again
   */
  reset(keepTotal = false): void {
    this.index = 0;
    this.hasNext = false;
    if (!keepTotal) this.total = null;
  }

  /** How many runs the page shows now (runs that started while it was open included). */
  recount(shown: number): void {
    // a run that arrived live is one more over all pages too
    if (this.total !== null && shown > this.shown) this.total += shown - this.shown;
    this.show(shown, this.hasNext);
  }

  /** After a page was read: how many runs it has and whether a next page follows. */
  show(shown: number, hasNext = false): void {
    this.shown = shown;
    this.hasNext = hasNext;
    this.render();
  }

  /** The number of runs over all pages (from a count read beside the page); null: unknown. */
  setTotal(total: number | null): void {
    this.total = total;
    this.render();
  }

  private get pages(): number | null {
    return this.total === null ? null : Math.max(1, Math.ceil(this.total / this.size));
  }

  private render(): void {
    const start = this.index * this.size;
    // the total, once counted; else what the page itself tells (the last page knows the end).
    // A count is read beside the page, so a run that arrived live while it was on its way can be
    // on the page and not in the count: the total is never less than the runs up to this page's end
    const end = start + this.shown;
    const total = this.total === null ? (this.hasNext ? null : end) : Math.max(this.total, end);
    this.range.textContent =
      this.shown === 0 ? (this.index === 0 ? 'no runs' : `none after ${count.format(start)}`) : `${count.format(start + 1)}–${count.format(end)}${total === null ? '' : ` of ${count.format(total)}`}`;
    this.prev.disabled = this.index === 0;
    this.next.disabled = !this.hasNext;
    const pages = this.pages;
    // the page box only when there is more than one page to go to
    this.jump.hidden = pages === null ? this.index === 0 && !this.hasNext : pages <= 1 && this.index === 0;
    this.jumpInput.value = String(this.index + 1);
    if (pages !== null) this.jumpInput.max = String(pages);
    else this.jumpInput.removeAttribute('max');
    this.jumpOf.textContent = pages === null ? '' : ` of ${count.format(pages)}`;
  }

  private jumpTo(): void {
    const asked = Math.floor(Number(this.jumpInput.value));
    const pages = this.pages ?? Number.POSITIVE_INFINITY;
    if (!Number.isFinite(asked) || asked < 1) return this.render();
    this.moveTo(Math.min(asked, pages) - 1);
  }

  private moveTo(index: number): void {
    if (index < 0 || index === this.index) return this.render();
    this.index = index;
    this.go();
  }
}
