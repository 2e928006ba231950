/** Making SVG elements (they need their namespace; `document.createElement` would not draw). */

const NS = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes (numbers written as they are). */
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, ...children: Array<Node | string>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  el.append(...children);
  return el;
}
