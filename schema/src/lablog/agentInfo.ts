/**
 * What an agent says about itself (`GET /api/2.0/lablog/agent`), for a viewer that reaches it
 * through another server (JupyterLab's proxy under `<base_url>lablog/`) and must tell the
 * notebook kernels, which run on the agent's machine, where to reach it directly.
 */
import { Type, type Static } from 'typebox';

/** Reply of `GET /api/2.0/lablog/agent`. */
export const AgentInfo = Type.Object(
  {
    /** The agent's own URL as it listens, e.g. `http://127.0.0.1:5454` (empty before it listens). */
    url: Type.String(),
    /** The agent's version. */
    version: Type.String(),
  },
  { $id: 'lablog.AgentInfo' },
);
export type AgentInfo = Static<typeof AgentInfo>;

/** The path of the agent's self-description. */
export const AGENT_INFO_PATH = '/api/2.0/lablog/agent';
