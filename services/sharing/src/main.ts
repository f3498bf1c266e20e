import { createLogger, listen } from '@portcullis/shared/http';
import { createRuntime } from '@portcullis/shared/runtime';
import { buildSharingApp } from './app.js';
import { loadSharingConfig } from './config.js';
import { sharingRuntimeOptions } from './runtime.js';
import { SHARING_SERVICE } from './events/sharing-events.js';

const config = loadSharingConfig();
const logger = createLogger(SHARING_SERVICE, config.LOG_LEVEL);
const runtime = await createRuntime(sharingRuntimeOptions(config, logger));
const sharing = buildSharingApp(config, runtime, logger);
await sharing.start();
runtime.relay.start();
const server = await listen(sharing.app, config.PORT, config.HOST);
logger.info({ url: server.url }, 'sharing listening');

async function shutdown(signal: string) {
  logger.info({ signal }, 'shutting down');
  await sharing.stop();
  await server.close();
  await runtime.close();
  process.exit(0);
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
