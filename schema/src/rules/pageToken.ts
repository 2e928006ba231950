/**
 * The page token of a search result at an offset. MLflow's stores hand out base64 of the JSON
 * `{"offset": N}` (Python's spacing); lablog's engines do the same, so a token is interchangeable
 * with MLflow's. A viewer that jumps to page 7 makes the token of offset 6·size with this rule
 * instead of walking six pages; the agent encodes its next-page tokens with it too.
 */

/** The token of the page that starts at `offset` (a non-negative integer). */
export function pageTokenAt(offset: number): string {
  // ASCII only, so btoa (Node and browsers alike) is exact
  return btoa(`{"offset": ${offset}}`);
}
