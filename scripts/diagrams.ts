// Writes docs/state-machines.md from the machine definitions (`npm run diagrams`).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { machineDiagrams } from '../src/machines/diagram.js';

const target = fileURLToPath(new URL('../docs/state-machines.md', import.meta.url));
writeFileSync(target, machineDiagrams());
console.log(`wrote ${target}`);
