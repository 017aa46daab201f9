/**
 * Builds small, valid text PDFs (Helvetica, one line per text row), so tests and the demo can upload real PDFs
 * whose text the fake reads back. Pages are separated by form feeds (\f) in the input text.
 */
import { deflateSync } from 'node:zlib';

export interface PdfOptions {
	/** Flate-compress the content streams (default false). */
	compress?: boolean;
	title?: string;
}

export function buildTextPdf(text: string, options: PdfOptions = {}): Buffer {
	const pages = text.replace(/\r\n?/g, '\n').split('\f');
	const objects: Buffer[] = [];
	const add = (body: Buffer | string) => {
		objects.push(Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1'));
		return objects.length; // object number
	};

	// Object numbers are fixed up front: 1 catalog, 2 pages tree, 3 font, then per page (page, content).
	const pageNums = pages.map((_, i) => 4 + i * 2);
	add('<< /Type /Catalog /Pages 2 0 R >>');
	add(`<< /Type /Pages /Kids [${pageNums.map((n) => `${n} 0 R`).join(' ')}] /Count ${pages.length} >>`);
	add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
	pages.forEach((pageText, i) => {
		const contentNum = pageNums[i] + 1;
		add(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${contentNum} 0 R >>`);
		const ops = ['BT', '/F1 10 Tf', '12 TL', '50 760 Td'];
		for (const line of pageText.split('\n')) ops.push(`(${escapePdfString(line)}) Tj`, 'T*');
		ops.push('ET');
		let stream = Buffer.from(ops.join('\n'), 'latin1');
		let dict = `<< /Length ${stream.length} >>`;
		if (options.compress) {
			stream = deflateSync(stream);
			dict = `<< /Length ${stream.length} /Filter /FlateDecode >>`;
		}
		add(Buffer.concat([Buffer.from(`${dict}\nstream\n`, 'latin1'), stream, Buffer.from('\nendstream', 'latin1')]));
	});
	if (options.title) add(`<< /Title (${escapePdfString(options.title)}) >>`);

	const chunks: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
	let offset = chunks[0].length;
	const offsets: number[] = [];
	objects.forEach((body, i) => {
		offsets.push(offset);
		const chunk = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), body, Buffer.from('\nendobj\n', 'latin1')]);
		chunks.push(chunk);
		offset += chunk.length;
	});
	const xref = [`xref\n0 ${objects.length + 1}\n`, '0000000000 65535 f \n', ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
	const infoRef = options.title ? ` /Info ${objects.length} 0 R` : '';
	chunks.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R${infoRef} >>\nstartxref\n${offset}\n%%EOF\n`, 'latin1'));
	return Buffer.concat(chunks);
}

/** Escapes a line for a PDF literal string; characters outside Latin-1 become '?'. */
function escapePdfString(line: string): string {
	let out = '';
	for (const ch of line) {
		const code = ch.codePointAt(0)!;
		if (ch === '(' || ch === ')' || ch === '\\') out += `\\${ch}`;
		else if (code > 0xff) out += '?';
		else if (code < 0x20 || code > 0x7e) out += `\\${code.toString(8).padStart(3, '0')}`;
		else out += ch;
	}
	return out;
}
