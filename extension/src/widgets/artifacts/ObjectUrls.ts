/**
 * Object URLs made for one preview, revoked together when the preview goes away — artifact
 * bytes reach `<img>` and downloads this way, so the agent's token never appears in a URL.
 */
export class ObjectUrls {
  private readonly urls: string[] = [];

  /** A `blob:` URL for `blob`, valid until `revokeAll`. */
  make(blob: Blob): string {
    const url = URL.createObjectURL(blob);
    this.urls.push(url);
    return url;
  }

  /** Revokes every URL made so far. Safe to call again. */
  revokeAll(): void {
    for (const u of this.urls.splice(0)) URL.revokeObjectURL(u);
  }
}
