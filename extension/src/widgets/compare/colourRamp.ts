/**
 * The colours of "colour by" in parallel coordinates: a viridis-like ramp from low to high,
 * readable on light and dark backgrounds and by most colour-blind readers.
 */

const RAMP = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'];

/** The ramp's colour at `t` in [0, 1] (clamped). */
export function rampColour(t: number): string {
  const x = Math.min(1, Math.max(0, t)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const mix = (a: string, b: string, k: number): number => Math.round(parseInt(a, 16) * (1 - k) + parseInt(b, 16) * k);
  const [a, b] = [RAMP[i]!, RAMP[i + 1]!];
  const k = x - i;
  return `rgb(${mix(a.slice(1, 3), b.slice(1, 3), k)}, ${mix(a.slice(3, 5), b.slice(3, 5), k)}, ${mix(a.slice(5, 7), b.slice(5, 7), k)})`;
}
