/**
 * Paging through search results with the server's page tokens: Prev / Next and the range
 * shown ("101–200"). Tokens of the pages already seen are kept so Prev needs no new token.
 */

/** Page size of the runs table, unless the user picks another. */
export const PAGE_SIZE = 100;

/** The page sizes offered (MLflow's UI offers the same kind of choice). */
export const PAGE_SIZES = [25, 50, 100, 250, 500, 1000] as const;

/** Prev/Next buttons and the range; `node` holds them. */
export class Pager {
  readonly node = document.createElement('div');
  private readonly prev = document.createElement('button');
  private readonly next = document.createElement('button');
  private readonly range = document.createElement('span');
  private tokens: Array<string | undefined> = [undefined];
  private index = 0;
  private nextToken: string | undefined;
  private readonly sizeSelect = document.createElement('select');
  /** Runs per page. */
  size = PAGE_SIZE;

  /**
   * @param go called after the page changed, to read it
   * @param resized called when the user picks another page size
   */
  constructor(go: () => void, resized: (size: number) => void = () => undefined) {
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
    this.prev.addEventListener('click', () => {
      if (this.index === 0) return;
      this.index--;
      // a page opened from a link knows only its own token: Prev then starts from the first page
      if (this.index > 0 && this.tokens[this.index] === undefined) this.reset();
      go();
    });
    this.next.addEventListener('click', () => {
      if (this.nextToken === undefined) return;
      this.tokens[++this.index] = this.nextToken;
      this.nextToken = undefined;
      go();
    });
    this.sizeSelect.className = 'll-input ll-page-size';
    this.sizeSelect.setAttribute('aria-label', 'Runs per page');
    for (const n of PAGE_SIZES) this.sizeSelect.append(Object.assign(document.createElement('option'), { value: String(n), textContent: `${n} / page` }));
    this.sizeSelect.value = String(this.size);
    this.sizeSelect.addEventListener('change', () => resized(Number(this.sizeSelect.value)));
    this.node.append(this.range, this.prev, this.next, this.sizeSelect);
    this.show(0);
  }

  /** The token of the page to read (undefined for the first). */
  get token(): string | undefined {
    return this.tokens[this.index];
  }

  /** Which page is shown (0 = the first), for the URL. */
  get pageIndex(): number {
    return this.index;
  }

  /** Opens page `index` (from a link) by its token. */
  openAt(index: number, token: string): void {
    this.reset();
    if (index <= 0) return;
    this.index = index;
    this.tokens[index] = token;
  }

  /** Sets the page size (from the URL); a change goes back to the first page. */
  setSize(size: number): void {
    this.sizeSelect.value = String(size);
    if (size === this.size) return;
    this.size = size;
    this.reset();
  }

  /** Whether the first page is shown. */
  get first(): boolean {
    return this.index === 0;
  }

  /** Back to the first page (a new filter or order). */
  reset(): void {
    this.tokens = [undefined];
    this.index = 0;
    this.nextToken = undefined;
  }

  /** How many runs the page shows now (runs that started while it was open included). */
  recount(count: number): void {
    this.show(count, this.nextToken);
  }

  /** After a page was read: how many runs it has and the token of the next one. */
  show(count: number, nextToken?: string): void {
    this.nextToken = nextToken;
    const start = this.index * this.size;
    this.range.textContent = count === 0 ? (this.index === 0 ? 'no runs' : `none after ${start}`) : `${start + 1}–${start + count}${nextToken ? '' : ` of ${start + count}`}`;
    this.prev.disabled = this.index === 0;
    this.next.disabled = nextToken === undefined;
  }
}
