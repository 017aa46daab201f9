import { base64Source, bufferSource, buildMultipart } from '../../../nodes/shared/multipart';

/** Parses a multipart body back into parts, independently of the builder. */
function parse(body: Buffer, contentType: string) {
	const boundary = /boundary=(.+)$/.exec(contentType)![1];
	const parts: Array<{ headers: string; content: Buffer }> = [];
	const delimiter = Buffer.from(`--${boundary}`);
	let index = body.indexOf(delimiter);
	for (let guard = 0; guard < 100 && index !== -1; guard++) {
		const start = index + delimiter.length;
		if (body.subarray(start, start + 2).toString() === '--') break;
		const next = body.indexOf(delimiter, start);
		const part = body.subarray(start + 2, next - 2);
		const split = part.indexOf('\r\n\r\n');
		parts.push({ headers: part.subarray(0, split).toString('utf8'), content: part.subarray(split + 4) });
		index = next;
	}
	return parts;
}

describe('buildMultipart', () => {
	it('builds text and file parts that parse back byte for byte', async () => {
		const pdf = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x0d, 0x0a, 0x2d, 0x2d]);
		const { body, contentType } = await buildMultipart([
			{ field: 'text', text: 'Invoice #1 — total €5' },
			{ field: 'file', file: bufferSource(pdf, 'invoice.pdf', 'application/pdf') },
		]);
		expect(contentType).toMatch(/^multipart\/form-data; boundary=----n8nDocumentExtraction[0-9a-f]{24}$/);
		const parts = parse(body, contentType);
		expect(parts).toHaveLength(2);
		expect(parts[0].headers).toBe('Content-Disposition: form-data; name="text"');
		expect(parts[0].content.toString('utf8')).toBe('Invoice #1 — total €5');
		expect(parts[1].headers).toBe('Content-Disposition: form-data; name="file"; filename="invoice.pdf"\r\nContent-Type: application/pdf');
		expect(parts[1].content.equals(pdf)).toBe(true);
		expect(body.subarray(-4).toString()).toBe('--\r\n');
	});

	it('decodes n8n base64 binary data straight into the body', async () => {
		const data = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256));
		const { body, contentType } = await buildMultipart([{ field: 'file', file: base64Source(data.toString('base64'), 'scan.png', 'image/png') }]);
		expect(parse(body, contentType)[0].content.equals(data)).toBe(true);
	});

	it('escapes quotes and line breaks in names like browsers do, keeps UTF-8', async () => {
		const { body, contentType } = await buildMultipart([
			{ field: 'file', file: bufferSource(Buffer.from('x'), 'Facture "été"\r\n.pdf', 'application/pdf\r\nX-Evil: 1') },
		]);
		const [part] = parse(body, contentType);
		expect(part.headers).toContain('filename="Facture %22été%22%0D%0A.pdf"');
		expect(part.headers).toContain('Content-Type: application/pdfX-Evil: 1');
		expect(part.headers.split('\r\n')).toHaveLength(2);
	});

	it('rejects base64 data that decodes to fewer bytes than announced', async () => {
		await expect(buildMultipart([{ field: 'file', file: { ...base64Source('AAAA', 'a', 'b'), byteLength: 10 } }])).rejects.toThrow(/holds 3 bytes, expected 10/);
	});

	it('uses a fresh boundary per body', async () => {
		const a = (await buildMultipart([{ field: 'a', text: '1' }])).boundary;
		const b = (await buildMultipart([{ field: 'a', text: '1' }])).boundary;
		expect(a).not.toBe(b);
	});
});
