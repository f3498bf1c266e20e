import { createLogger, listen } from '@portcullis/shared/http';
import { createRuntime } from '@portcullis/shared/runtime';
import { buildAuthzApp } from './app.js';
import { loadAuthzConfig } from './config.js';
import { authzRuntimeOptions } from './runtime.js';
import { AUTHZ_SERVICE } from './events/authz-events.js';

const config = loadAuthzConfig();
const logger = createLogger(AUTHZ_SERVICE, config.LOG_LEVEL);
const runtime = await createRuntime(authzRuntimeOptions(config, logger));
const authz = buildAuthzApp(config, runtime, logger);
runtime.relay.start();
const server = await listen(authz.app, config.PORT, config.HOST);
logger.info({ url: server.url, policy_version: runtime.policy.version }, 'authz listening');

async function shutdown(signal: string) {
  logger.info({ signal }, 'shutting down');
  await server.close();
  await runtime.close();
  process.exit(0);
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
