import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderProblemsDoc } from './problems-doc.js';

const file = fileURLToPath(new URL('../../docs/problems.md', import.meta.url));
writeFileSync(file, renderProblemsDoc());
console.log(`wrote ${file}`);
