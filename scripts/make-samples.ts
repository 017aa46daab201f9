// Writes the sample documents shipped in examples/samples/ (committed; rerun after changing them):
//   node .tools/scripts/make-samples.js
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { buildTextPdf } from '../test/fake-api';
import { SAMPLE_INVOICE_TEXT } from './samples';

const samplesDir = resolve(__dirname, '..', '..', 'examples', 'samples');

writeFileSync(join(samplesDir, 'invoice.pdf'), buildTextPdf(SAMPLE_INVOICE_TEXT, { title: 'Invoice INV-2024-0847' }));
console.log(`wrote ${join(samplesDir, 'invoice.pdf')}`);
