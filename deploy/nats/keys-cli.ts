// npm run nats:keys -- --env | --k8s : a fresh NKey for every NATS user, printed for a deployment (nothing is written).
//   --env  lines for deploy/.env (Docker Compose): each user's public key for the nats-server, each seed for its service
//   --k8s  two Secrets: portcullis-nats-server (public keys, the NATS server's environment) and portcullis-nats-seeds
// Keep the output out of version control: the seeds are the services' NATS passwords.
import { stringify } from 'yaml';
import { nkeyVariable } from './auth-config.js';
import { generateNatsKeys, seedSecretKey, seedVariable } from './keys.js';
import { NATS_USERS } from './permissions.js';

const keys = generateNatsKeys();
const format = process.argv[2];
if (format === '--env') {
  for (const user of NATS_USERS) process.stdout.write(`${nkeyVariable(user)}=${keys[user].public}\n${seedVariable(user)}=${keys[user].seed}\n`);
} else if (format === '--k8s') {
  const secret = (name: string, stringData: Record<string, string>) => stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, type: 'Opaque', stringData });
  process.stdout.write(
    [
      secret('portcullis-nats-server', Object.fromEntries(NATS_USERS.map((user) => [nkeyVariable(user), keys[user].public]))),
      secret('portcullis-nats-seeds', Object.fromEntries(NATS_USERS.map((user) => [seedSecretKey(user), keys[user].seed]))),
    ].join('---\n'),
  );
} else {
  process.stderr.write('usage: npm run nats:keys -- --env | --k8s\n');
  process.exit(2);
}
