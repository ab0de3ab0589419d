/**
 * A list that keeps only the visible rows (plus a margin) in the DOM, so 10,000 entries scroll and re-filter
 * as fast as 30. Rows have one fixed height; clicks are handled once on the container (`data-index`).
 */
export class VirtualList {
  private count = 0;
  private readonly spacer = document.createElement('div');
  private readonly window = document.createElement('div');
  private frame = 0;

  constructor(
    readonly container: HTMLElement,
    private readonly rowHeight: number,
    private readonly renderRow: (index: number) => HTMLElement,
  ) {
    container.classList.add('vlist');
    this.spacer.className = 'vlist-spacer';
    this.window.className = 'vlist-window';
    this.spacer.append(this.window);
    container.replaceChildren(this.spacer);
    container.addEventListener('scroll', () => this.schedule());
    new ResizeObserver(() => this.schedule()).observe(container);
  }

  /** New row count (after a filter or a selection change); keeps the scroll position where it can. */
  setCount(count: number): void {
    this.count = count;
    this.spacer.style.height = `${count * this.rowHeight}px`;
    this.render();
  }

  /** Redraws the visible rows (their data changed, the count did not). */
  refresh(): void {
    this.render();
  }

  /** Scrolls just enough for a row to be visible (keyboard moves). */
  reveal(index: number): void {
    const top = index * this.rowHeight;
    const c = this.container;
    if (top < c.scrollTop) c.scrollTop = top;
    else if (top + this.rowHeight > c.scrollTop + c.clientHeight) c.scrollTop = top + this.rowHeight - c.clientHeight;
    this.render();
  }

  /** The row index under a click target, or -1. */
  indexOf(target: EventTarget | null): number {
    const row = (target as HTMLElement | null)?.closest<HTMLElement>('[data-index]');
    return row ? Number(row.dataset.index) : -1;
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    const overscan = 10;
    const top = this.container.scrollTop;
    const height = this.container.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / this.rowHeight) - overscan);
    const last = Math.min(this.count, Math.ceil((top + height) / this.rowHeight) + overscan);
    const rows: HTMLElement[] = [];
    for (let i = first; i < last; i++) {
      const el = this.renderRow(i);
      el.dataset.index = String(i);
      el.style.height = `${this.rowHeight}px`;
      rows.push(el);
    }
    this.window.style.transform = `translateY(${first * this.rowHeight}px)`;
    this.window.replaceChildren(...rows);
  }
}
