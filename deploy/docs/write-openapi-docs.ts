import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openApiDocuments, renderOpenApi } from './openapi-docs.js';

for (const { service, document } of openApiDocuments()) {
  const file = fileURLToPath(new URL(`../../docs/openapi/${service}.json`, import.meta.url));
  writeFileSync(file, renderOpenApi(document));
  console.log(`wrote ${file}`);
}
