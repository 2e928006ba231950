/**
 * Image preview: the bytes as a `blob:` URL in an `<img>`. SVG goes the same way — an `<img>`
 * runs no script of the SVG and reaches no network, unlike SVG put inline in the page.
 */
import type { ObjectUrls } from '../artifacts/ObjectUrls.js';
import { el } from './dom.js';

/**
 * Shows an image.
 * @param bytes the file
 * @param type its media type (an SVG needs `image/svg+xml` to show in an `<img>`)
 * @param alt the text alternative (the file name)
 * @param urls where the `blob:` URL is kept until the preview goes away
 */
export function imagePreview(bytes: Blob, type: string, alt: string, urls: ObjectUrls): HTMLElement {
  const box = el('div', 'll-preview-image');
  const img = el('img');
  img.alt = alt;
  const size = el('div', 'll-preview-note ll-muted');
  img.addEventListener('load', () => {
    size.textContent = `${img.naturalWidth} × ${img.naturalHeight}`;
  });
  img.addEventListener('error', () => {
    size.textContent = 'This image could not be decoded.';
  });
  img.src = urls.make(new Blob([bytes], { type }));
  box.append(img, size);
  return box;
}
