import { createLogger, listen } from '@portcullis/shared/http';
import { createRuntime } from '@portcullis/shared/runtime';
import { buildTenancyApp } from './app.js';
import { loadTenancyConfig } from './config.js';
import { tenancyRuntimeOptions } from './runtime.js';
import { TENANCY_SERVICE } from './events/tenancy-events.js';

const config = loadTenancyConfig();
const logger = createLogger(TENANCY_SERVICE, config.LOG_LEVEL);
const runtime = await createRuntime(tenancyRuntimeOptions(config, logger));
const tenancy = buildTenancyApp(config, runtime, logger);
runtime.relay.start();
const server = await listen(tenancy.app, config.PORT, config.HOST);
logger.info({ url: server.url }, 'tenancy listening');

async function shutdown(signal: string) {
  logger.info({ signal }, 'shutting down');
  tenancy.stop();
  await server.close();
  await runtime.close();
  process.exit(0);
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
