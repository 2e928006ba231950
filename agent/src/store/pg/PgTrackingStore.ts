/** The PostgreSQL engine of TrackingStore; filled in by the next commit. */
export class PgTrackingStore {
  /** @throws always, for now */
  static open(_uri: string): Promise<never> {
    return Promise.reject(new Error('the PostgreSQL store is not built yet'));
  }
}
