// `make test` runs this before the tests: the console's browser tests need Debian's Chromium (installed as root).
import { ensureChromium } from './chromium.js';

console.log(`chromium: ${ensureChromium((line) => console.log(line))}`);
