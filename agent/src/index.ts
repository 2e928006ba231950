/**
 * lablog agent — public entry: build an agent (`createAgent`) and the store it runs on.
 */
export { createAgent, type Agent, type AgentOptions } from './main.js';
export { FileStore } from './store/FileStore.js';
export { MlflowError, type ErrorCode } from './errors.js';
export { errorReply, type ErrorReply } from './http/errorReply.js';
export { SERVER_LIMITS, type ServerLimits } from './http/serverLimits.js';
export { requestGuard, type RequestGuard, type SecurityOptions } from './http/security.js';
export { Throttle, THROTTLE_DEFAULTS, type ThrottleOptions } from './auth/Throttle.js';
export type { AuthOptions, TeamAuth } from './auth/TeamAuth.js';
