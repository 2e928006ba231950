/**
 * `GET /api/2.0/lablog/agent`: the agent's own URL and version. JupyterLab's extension reaches
 * the agent through the Jupyter server's proxy, and reads here the loopback URL the notebook
 * kernels (on this machine) use to log directly, never through the Jupyter server.
 */
import { AGENT_INFO_PATH, type AgentInfo } from '@lablog/schema';
import type { FastifyInstance } from 'fastify';

/**
 * Registers the route.
 * @param url reads the URL the agent listens on (empty until `listen` resolved)
 */
export function registerAgentInfo(app: FastifyInstance, url: () => string, version: string): void {
  app.get(AGENT_INFO_PATH, async (): Promise<AgentInfo> => ({ url: url(), version }));
}
