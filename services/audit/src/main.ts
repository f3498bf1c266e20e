import { createLogger, listen } from '@portcullis/shared/http';
import { createRuntime } from '@portcullis/shared/runtime';
import { AUDIT_SERVICE, buildAuditApp } from './app.js';
import { loadAuditConfig } from './config.js';
import { auditRuntimeOptions } from './runtime.js';

const config = loadAuditConfig();
const logger = createLogger(AUDIT_SERVICE, config.LOG_LEVEL);
const runtime = await createRuntime(auditRuntimeOptions(config, logger));
const audit = buildAuditApp(config, runtime, logger);
await audit.consumer.start();
audit.retention.start(config.AUDIT_RETENTION_INTERVAL);
const server = await listen(audit.app, config.PORT, config.HOST);
logger.info({ url: server.url }, 'audit listening');

async function shutdown(signal: string) {
  logger.info({ signal }, 'shutting down');
  audit.retention.stop();
  await server.close();
  await audit.consumer.stop();
  await runtime.close();
  process.exit(0);
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
