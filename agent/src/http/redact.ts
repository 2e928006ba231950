/**
 * Secrets kept out of the request log: a token in a URL's query (`?token=`, older page links) is
 * replaced before the URL is logged; headers, where `Authorization` travels, are not logged.
 */

/** `url` with the value of every `token` query parameter replaced by `[redacted]`. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:token|access_token)=)[^&#]*/gi, '$1[redacted]');
}

/** The logger options of an agent that logs requests: method, redacted URL and the peer, no headers. */
export const REQUEST_LOG = {
  serializers: {
    req(req: { method: string; url: string; socket?: { remoteAddress?: string; remotePort?: number } }) {
      return { method: req.method, url: redactUrl(req.url), remoteAddress: req.socket?.remoteAddress, remotePort: req.socket?.remotePort };
    },
  },
};
