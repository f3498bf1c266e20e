import { createLogger, listen } from '@portcullis/shared/http';
import { createRuntime } from '@portcullis/shared/runtime';
import { buildIdentityApp } from './app.js';
import { loadIdentityConfig } from './config.js';
import { identityRuntimeOptions } from './runtime.js';
import { IDENTITY_SERVICE } from './events/identity-events.js';

const config = loadIdentityConfig();
const logger = createLogger(IDENTITY_SERVICE, config.LOG_LEVEL);
const runtime = await createRuntime(identityRuntimeOptions(config, logger));
const identity = buildIdentityApp(config, runtime, logger);
await identity.signingKeys.currentKey();
if (config.BOOTSTRAP_ADMIN_EMAIL) {
  const result = await identity.users.ensureBootstrapAdmin(config.BOOTSTRAP_ADMIN_EMAIL, config.BOOTSTRAP_ADMIN_PASSWORD);
  if (result.created) logger.info({ email: result.user.email }, 'bootstrap platform admin created');
}
runtime.relay.start();
const server = await listen(identity.app, config.PORT, config.HOST);
logger.info({ url: server.url }, 'identity listening');

async function shutdown(signal: string) {
  logger.info({ signal }, 'shutting down');
  identity.stop();
  await server.close();
  await runtime.close();
  process.exit(0);
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
