// The test run's NATS, as the services and test tools see it.
import { inject } from 'vitest';
import { connectAs, natsEnvOf } from '../../deploy/dev/project-nats.js';
import { startNatsServer, type NatsServerHandle } from '../../deploy/dev/nats-server.js';
import { ANY, type NatsAuthOptions, type NatsUser } from '../../deploy/nats/permissions.js';
import type { NatsConnection } from '@portcullis/shared/nats';

/**
 * The committed authorization rules with every subject prefix, stream, bucket and durable name admitted: a test run's
 * suites each take their own (and several audit instances their own durables). The attack tests run against the
 * committed config itself (DEFAULT_NATS_AUTH).
 */
export const TEST_NATS_AUTH: NatsAuthOptions = { prefix: ANY, stream: ANY, bucket: ANY, durables: ANY };

/** NATS_URL and NATS_NKEY_SEED for a process that is `user` on the run's NATS. */
export function natsEnv(user: NatsUser): { NATS_URL: string; NATS_NKEY_SEED: string } {
  return natsEnvOf({ url: inject('natsUrl'), keys: inject('natsKeys') }, user);
}

/** A connection to the run's NATS as `user` (the operator by default: tools that provision, inspect or publish samples). */
export function connectTestNats(name: string, user: NatsUser = 'operator', url = inject('natsUrl')): Promise<NatsConnection> {
  return connectAs({ url, keys: inject('natsKeys') }, name, user);
}

/** A nats-server of a test's own (to stop and restart), taking the run's keys and rules. */
export function startTestNatsServer(options: { port: number; storeDir: string }): Promise<NatsServerHandle> {
  return startNatsServer({ ...options, auth: { keys: inject('natsKeys'), options: TEST_NATS_AUTH } });
}
