/** The little coloured mark that says which series colour a run has in the compare view. */

/** A swatch in series colour `colour` (`--ll-series-<colour>`), hidden from screen readers. */
export function runSwatch(colour: number): HTMLElement {
  const s = document.createElement('span');
  s.className = 'll-run-swatch';
  s.setAttribute('aria-hidden', 'true');
  s.style.setProperty('--ll-run-colour', `var(--ll-series-${colour % 10})`);
  return s;
}
