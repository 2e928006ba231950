/**
 * Replays recorded MLflow exchanges against a running agent, one at a time and in order: sends
 * each request the way the real client sent it (ids rewritten to the agent's), learns the ids of
 * the reply, and compares the reply to the recorded response (see transcriptCompare).
 */
import { compareReply, ECHOED_TIME_FIELDS, type AgentReply } from './transcriptCompare.js';
import { describeRequest, isObject, type Exchange, type Json } from './transcriptExchange.js';
import { IdMap } from './transcriptIds.js';

/** The outcome of replaying one exchange. */
export interface ReplayResult {
  /** The request as sent to the agent, one line. */
  sent: string;
  reply: AgentReply;
  /** Differences from the recorded response; empty when the reply matches. */
  problems: string[];
}

/** True when a runs/create body names the run (`run_name` or an `mlflow.runName` tag). */
function namesRun(body: Json | undefined): boolean {
  if (!isObject(body)) return false;
  if (typeof body.run_name === 'string' && body.run_name !== '') return true;
  const tags = Array.isArray(body.tags) ? body.tags : [];
  return tags.some((t) => isObject(t) && t.key === 'mlflow.runName' && typeof t.value === 'string' && t.value !== '');
}

const runNameOf = (response: Json | undefined): string | undefined => {
  const run = isObject(response) ? response.run : undefined;
  const info = isObject(run) ? run.info : undefined;
  return isObject(info) && typeof info.run_name === 'string' ? info.run_name : undefined;
};

/** One scenario's replay against one agent: keeps the id map and the timestamps sent so far. */
export class TranscriptReplayer {
  /** Recorded ids ↔ the agent's, learned so far. */
  readonly ids = new IdMap();
  private readonly sentTimes = new Set<number>();

  /** @param baseUrl the agent's base URL, e.g. `http://127.0.0.1:PORT` */
  constructor(private readonly baseUrl: string) {}

  /**
   * Sends an exchange's request, learns ids from the reply and compares it to the recording.
   * @throws when the request cannot be sent at all (the agent is not listening)
   */
  async replay(ex: Exchange): Promise<ReplayResult> {
    const { sent, reply } = await this.send(ex);
    if (reply.status === ex.status) {
      this.ids.learn(ex.responseJson, reply.json);
      if (ex.path.endsWith('/runs/create') && !namesRun(ex.requestJson)) {
        const recorded = runNameOf(ex.responseJson);
        const agent = runNameOf(reply.json);
        if (recorded !== undefined && agent !== undefined) this.ids.bindGeneratedName(recorded, agent);
      }
    }
    return { sent, reply, problems: compareReply(ex, reply, { ids: this.ids, sentTimes: this.sentTimes }) };
  }

  private async send(ex: Exchange): Promise<{ sent: string; reply: AgentReply }> {
    const query = this.ids.toAgentQuery(ex.query);
    const path = this.ids.toAgent(ex.path);
    const headers: Record<string, string> = {};
    if (ex.contentType !== '') headers['content-type'] = ex.contentType;
    let body: string | Uint8Array | undefined;
    let json: Json | undefined;
    if (ex.method !== 'GET' && ex.method !== 'HEAD') {
      if (ex.requestJson !== undefined) {
        json = this.ids.toAgentJson(ex.requestJson);
        this.noteTimes(json);
        body = JSON.stringify(json);
      } else if (ex.requestBytes !== undefined) {
        body = new Uint8Array(ex.requestBytes);
      }
    }
    const qs = query.length > 0 ? `?${new URLSearchParams(query)}` : '';
    const res = await fetch(`${this.baseUrl}${path}${qs}`, { method: ex.method, headers, ...(body === undefined ? {} : { body }) });
    const bytes = Buffer.from(await res.arrayBuffer());
    const reply: AgentReply = { status: res.status, contentType: res.headers.get('content-type') ?? '', body: bytes };
    try {
      if (bytes.length > 0) reply.json = JSON.parse(bytes.toString('utf8')) as Json;
    } catch {
      // Not JSON: the comparer says so if JSON was recorded.
    }
    const sentEx: Exchange = { ...ex, path, query };
    if (json !== undefined) sentEx.requestJson = json;
    return { sent: describeRequest(sentEx, 300), reply };
  }

  /** Remembers the timestamps a request sends, so that echoes of them are compared exactly. */
  private noteTimes(v: Json, field?: string): void {
    if (field !== undefined && ECHOED_TIME_FIELDS.has(field) && (typeof v === 'number' || typeof v === 'string')) {
      const n = Number(v);
      if (Number.isSafeInteger(n)) this.sentTimes.add(n);
    } else if (Array.isArray(v)) {
      for (const item of v) this.noteTimes(item);
    } else if (isObject(v)) {
      for (const [k, item] of Object.entries(v)) this.noteTimes(item, k);
    }
  }
}
