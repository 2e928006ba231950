/** The little coloured mark that says which series colour a run has in the compare view. */
import { seriesCss } from '../charts/chartColors.js';

/** A swatch in series colour `colour` (see `seriesCss`), hidden from screen readers. */
export function runSwatch(colour: number): HTMLElement {
  const s = document.createElement('span');
  s.className = 'll-run-swatch';
  s.setAttribute('aria-hidden', 'true');
  s.style.setProperty('--ll-run-colour', seriesCss(colour));
  return s;
}
