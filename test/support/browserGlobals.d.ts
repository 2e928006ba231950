/**
 * Browser globals used inside `page.evaluate(() => …)` callbacks, which run in Chromium, not
 * in Node. Declared loosely here because the DOM library's types clash with Node's (fetch
 * bodies) in the same project.
 */
declare const document: any;
declare const window: any;
declare const sessionStorage: any;
declare const localStorage: any;
declare const location: any;
declare function getComputedStyle(el: any): any;
declare function requestAnimationFrame(cb: (t: number) => void): number;
