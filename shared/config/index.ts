export { loadConfig, ConfigError, baseConfigSchema, type BaseConfig } from './load-config.js';
export { duration } from './duration.js';
export { keyEncryptionSecret } from './key-encryption.js';
