// Writes the sample documents shipped in examples/samples/ (committed; rerun after changing them):
//   npm run build:tools && node .tools/scripts/make-samples.js
// invoice.pdf and purchase-order.txt come from scripts/samples.ts byte for byte; receipt.png is an HTML
// receipt rendered by headless Chromium (Debian's `chromium` package). The sandbox reads the receipt's text
// from SAMPLE_RECEIPT_TEXT, keyed by the PNG's sha256, so the image only has to look like that text.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { REPO_ROOT } from '../test/e2e/support/paths';
import { buildTextPdf } from '../test/fake-api';
import { screenshotUrl } from './chromium';
import {
	SAMPLE_INVOICE_TEXT,
	SAMPLE_PURCHASE_ORDER_TEXT,
	SAMPLE_RECEIPT_FIELDS_TEXT,
	SAMPLE_RECEIPT_HEADER,
	SAMPLE_RECEIPT_ITEMS,
	SAMPLE_RECEIPT_TOTALS_TEXT,
} from './samples';

const samplesDir = join(REPO_ROOT, 'examples', 'samples');

/** Writes a file only when its bytes change, so a rerun leaves committed samples untouched. */
function writeIfChanged(file: string, bytes: Buffer): void {
	let current: Buffer | undefined;
	try {
		current = readFileSync(file);
	} catch {
		current = undefined;
	}
	if (current?.equals(bytes)) {
		console.log(`unchanged ${file}`);
		return;
	}
	writeFileSync(file, bytes);
	console.log(`wrote ${file}`);
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A till receipt as HTML: the same words as SAMPLE_RECEIPT_TEXT, laid out like paper. */
export function receiptHtml(): string {
	const labelled = (line: string) => {
		const i = line.indexOf(':');
		return `<div class="row"><span>${escapeHtml(line.slice(0, i))}</span><span>${escapeHtml(line.slice(i + 1).trim())}</span></div>`;
	};
	const items = SAMPLE_RECEIPT_ITEMS.map(
		(i) => `<tr><td>${escapeHtml(i.description)}</td><td class="n">${i.quantity}</td><td class="n">${i.unit_price}</td><td class="n">${i.amount}</td></tr>`,
	).join('');
	return `<!doctype html><html><head><meta charset="utf-8"><style>
	html, body { margin: 0; background: #e9e6df; }
	.paper { width: 340px; margin: 24px auto; padding: 22px 22px 28px; background: #fffdf8; color: #222;
		font: 14px/1.45 "DejaVu Sans Mono", "Liberation Mono", monospace; box-shadow: 0 2px 8px rgba(0,0,0,.18); }
	h1 { font-size: 20px; text-align: center; margin: 0 0 2px; letter-spacing: 2px; }
	.addr { text-align: center; font-size: 12px; margin-bottom: 14px; }
	.row { display: flex; justify-content: space-between; }
	hr { border: 0; border-top: 1px dashed #999; margin: 10px 0; }
	.section { font-weight: bold; margin: 4px 0; }
	table { width: 100%; border-collapse: collapse; font-size: 13px; }
	th { text-align: left; font-weight: normal; border-bottom: 1px solid #bbb; }
	td.n, th.n { text-align: right; }
	.total { font-weight: bold; font-size: 16px; }
	.thanks { text-align: center; margin-top: 16px; font-size: 12px; }
	</style></head><body><div class="paper">
	<h1>${escapeHtml(SAMPLE_RECEIPT_HEADER[0])}</h1>
	<div class="addr">${escapeHtml(SAMPLE_RECEIPT_HEADER[1])}</div>
	${SAMPLE_RECEIPT_FIELDS_TEXT.map(labelled).join('')}
	<hr><div class="section">Items</div>
	<table><tr><th>description</th><th class="n">quantity</th><th class="n">unit_price</th><th class="n">amount</th></tr>${items}</table>
	<hr>
	${SAMPLE_RECEIPT_TOTALS_TEXT.map((line) => labelled(line).replace('class="row"', line.startsWith('Total') ? 'class="row total"' : 'class="row"')).join('')}
	<div class="thanks">Thank you for your visit!</div>
	</div></body></html>`;
}

function renderReceiptPng(): Buffer {
	const dir = mkdtempSync(join(tmpdir(), 'receipt-'));
	try {
		const html = join(dir, 'receipt.html');
		const png = join(dir, 'receipt.png');
		writeFileSync(html, receiptHtml());
		screenshotUrl(`file://${html}`, png, { width: 400, height: 490 });
		return readFileSync(png);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

if (require.main === module) {
	writeIfChanged(join(samplesDir, 'invoice.pdf'), buildTextPdf(SAMPLE_INVOICE_TEXT, { title: 'Invoice INV-2024-0847' }));
	writeIfChanged(join(samplesDir, 'purchase-order.txt'), Buffer.from(SAMPLE_PURCHASE_ORDER_TEXT, 'utf8'));
	// Chromium's PNG encoder is not byte-stable across versions: only render when asked or missing.
	if (process.argv.includes('--receipt') || !existsSync(join(samplesDir, 'receipt.png'))) {
		writeFileSync(join(samplesDir, 'receipt.png'), renderReceiptPng());
		console.log(`wrote ${join(samplesDir, 'receipt.png')}`);
	} else {
		console.log(`kept ${join(samplesDir, 'receipt.png')} (pass --receipt to render it again)`);
	}
}

