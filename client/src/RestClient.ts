/**
 * The MLflow REST API as the client uses it: one place that turns network failures and
 * non-2xx replies into typed errors, telling the ones worth retrying (the server is down,
 * overloaded or restarting) from the ones that will fail again (MLflow error codes).
 */

/** A request the server refused or could not be sent. */
export class RequestError extends Error {
  /**
   * @param status HTTP status, or 0 when no reply came (connection refused, reset, timed out)
   * @param code MLflow error code from the reply, or a client-side one (`UNREACHABLE`, `TIMEOUT`)
   */
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RequestError';
  }

  /** True when trying again later may succeed: no reply, a timeout, 5xx, 429. */
  get transient(): boolean {
    return this.status === 0 || this.status >= 500 || this.status === 429 || this.status === 408;
  }
}

/** Result of probing a server. */
export interface Probe {
  /** The `x-lablog-version` header: the server is a lablog agent (live channel, client run ids). */
  lablogVersion: string | null;
  /** A browser's cross-origin reply, whose headers are hidden unless the server exposes them: the header proves nothing. */
  headersHidden: boolean;
}

/** Calls the tracking server at a base URL. */
export class RestClient {
  /**
   * @param base the tracking URL, e.g. `http://127.0.0.1:5454` (a path prefix is kept)
   * @param token sent as `Authorization: Bearer <token>` when given
   * @param timeoutMs how long a request may take before it counts as failed (default 30 000)
   * @param extraHeaders more headers for every request, read at each one (a proxy's credentials)
   * @param wsUrl the live channel's URL (default: `base` with a ws scheme, plus `/ws`)
   */
  constructor(
    readonly base: string,
    token: string | undefined,
    private readonly timeoutMs = 30_000,
    private readonly extraHeaders?: () => Record<string, string>,
    wsUrl?: string,
  ) {
    this.tokenHeaders = token ? { authorization: `Bearer ${token}` } : {};
    this.wsUrl = wsUrl ?? `${base.replace(/^http/, 'ws')}/ws`;
  }

  private readonly tokenHeaders: Record<string, string>;
  /** The live channel's URL. */
  readonly wsUrl: string;

  private get headers(): Record<string, string> {
    return this.extraHeaders ? { ...this.extraHeaders(), ...this.tokenHeaders } : this.tokenHeaders;
  }

  /** Headers every request carries (the token); also used for the WebSocket upgrade. */
  get authHeaders(): Record<string, string> {
    return this.headers;
  }

  private async send(url: string, init: RequestInit, timeoutMs = this.timeoutMs): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      const timeout = e.name === 'TimeoutError' || e.name === 'AbortError';
      throw new RequestError(0, timeout ? 'TIMEOUT' : 'UNREACHABLE', `${url}: ${timeout ? `no reply within ${timeoutMs} ms` : (e.cause?.code ?? e.message)}`);
    }
  }

  private static async fail(res: Response, what: string): Promise<never> {
    let code = `HTTP_${res.status}`;
    let message = `${what}: HTTP ${res.status}`;
    try {
      const body = (await res.json()) as { error_code?: string; message?: string };
      if (body.error_code) code = body.error_code;
      if (body.message) message = body.message;
    } catch {
      // not an MLflow error body
    }
    throw new RequestError(res.status, code, message);
  }

  /**
   * Calls `/api/2.0/mlflow/<path>`: POST with a JSON body (an object, or JSON text as is), or GET with `query`.
   * @throws RequestError
   */
  call<T>(path: string, body: unknown, method: 'POST' | 'GET' = 'POST', query?: Record<string, string>): Promise<T> {
    return this.request<T>(`/api/2.0/mlflow/${path}`, body, method, query);
  }

  /**
   * Calls any JSON endpoint of the server by its absolute path (e.g. `/api/2.0/lablog/...`).
   * @throws RequestError
   */
  async request<T>(apiPath: string, body: unknown, method: 'POST' | 'GET' | 'PUT' | 'PATCH' | 'DELETE' = 'GET', query?: Record<string, string>): Promise<T> {
    const qs = query ? `?${new URLSearchParams(query)}` : '';
    const url = `${this.base}${apiPath}${qs}`;
    const init: RequestInit =
      method === 'GET'
        ? { method, headers: this.headers }
        : { method, headers: { ...this.headers, 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) };
    const res = await this.send(url, init);
    if (!res.ok) return RestClient.fail(res, apiPath);
    const text = await res.text();
    return (text ? JSON.parse(text) : {}) as T;
  }

  /**
   * GETs a file the server serves (an artifact download) as a Response, token included.
   * @throws RequestError for no reply or a non-2xx status
   */
  async fetchFile(apiPath: string, query: Record<string, string>): Promise<Response> {
    const url = `${this.base}${apiPath}?${new URLSearchParams(query)}`;
    const res = await this.send(url, { method: 'GET', headers: this.headers }, 10 * 60_000);
    if (!res.ok) return RestClient.fail(res, apiPath);
    return res;
  }

  /**
   * Uploads an artifact file through the proxied artifact API
   * (`PUT /api/2.0/mlflow-artifacts/artifacts/<path>`).
   * @param path `<experiment>/<run>/artifacts/<file path>` as the run's artifact URI gives it
   * @throws RequestError
   */
  async putArtifact(path: string, bytes: Uint8Array, contentType: string): Promise<void> {
    const url = `${this.base}/api/2.0/mlflow-artifacts/artifacts/${path.split('/').map(encodeURIComponent).join('/')}`;
    const res = await this.send(url, { method: 'PUT', headers: { ...this.headers, 'content-type': contentType }, body: bytes as BodyInit }, 10 * 60_000);
    if (!res.ok) return RestClient.fail(res, `upload of ${path}`);
    await res.arrayBuffer();
  }

  /**
   * Tells a lablog agent from a plain MLflow server (`GET /health`).
   * @throws RequestError when the server does not answer
   */
  async probe(timeoutMs: number): Promise<Probe> {
    const res = await this.send(`${this.base}/health`, { method: 'GET', headers: this.headers }, timeoutMs);
    await res.arrayBuffer();
    if (res.status >= 500) throw new RequestError(res.status, `HTTP_${res.status}`, `${this.base}/health: HTTP ${res.status}`);
    return { lablogVersion: res.headers.get('x-lablog-version'), headersHidden: res.type === 'cors' };
  }
}
