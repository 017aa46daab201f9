import { FormParseError, parseForm, parseHeaderParams, parseMultipart } from './multipart';

const CRLF = '\r\n';

function body(boundary: string, parts: Array<{ headers: string[]; data: Buffer | string }>, preamble = ''): Buffer {
	const chunks: Buffer[] = [Buffer.from(preamble)];
	for (const part of parts) {
		chunks.push(Buffer.from(`--${boundary}${CRLF}${part.headers.join(CRLF)}${CRLF}${CRLF}`));
		chunks.push(Buffer.isBuffer(part.data) ? part.data : Buffer.from(part.data));
		chunks.push(Buffer.from(CRLF));
	}
	chunks.push(Buffer.from(`--${boundary}--${CRLF}epilogue`));
	return Buffer.concat(chunks);
}

describe('multipart parser', () => {
	it('parses fields and binary files whose content contains CRLF and boundary-like bytes', () => {
		const binary = Buffer.concat([Buffer.from([0, 1, 2, 13, 10, 45, 45]), Buffer.from('--XYZ not a delimiter\r\n--XY'), Buffer.from([255, 254])]);
		const parts = parseMultipart(
			body(
				'XYZ',
				[
					{ headers: ['Content-Disposition: form-data; name="text"'], data: 'line 1\r\nline 2' },
					{ headers: ['Content-Disposition: form-data; name="file"; filename="a.bin"', 'Content-Type: application/octet-stream'], data: binary },
				],
				'preamble\r\n',
			),
			'XYZ',
		);
		expect(parts).toHaveLength(2);
		expect(parts[0]).toMatchObject({ name: 'text', filename: undefined });
		expect(parts[0].data.toString()).toBe('line 1\r\nline 2');
		expect(parts[1]).toMatchObject({ name: 'file', filename: 'a.bin', contentType: 'application/octet-stream' });
		expect(parts[1].data.equals(binary)).toBe(true);
	});

	it('handles quoted parameters, escapes, UTF-8 and RFC 8187 filenames', () => {
		const parts = parseMultipart(
			body('b', [
				{ headers: ['content-disposition: form-data; name="extracts[0][document]"; filename="r\u00e9sum\u00e9; v2.pdf"'], data: 'x' },
				{ headers: ['Content-Disposition: form-data; name=plain; filename="fallback.pdf"; filename*=UTF-8\'\'%E2%82%AC%20invoice.pdf'], data: 'y' },
				{ headers: ['Content-Disposition: form-data; name="q"; filename="say \\"hi\\" %22there%22.txt"'], data: '' },
			]),
			'b',
		);
		expect(parts.map((p) => [p.name, p.filename])).toEqual([
			['extracts[0][document]', 'résumé; v2.pdf'],
			['plain', '€ invoice.pdf'],
			['q', 'say "hi" "there".txt'],
		]);
		expect(parts[2].data).toHaveLength(0);
	});

	it('reads the boundary from a quoted Content-Type parameter and parses urlencoded forms', () => {
		expect(parseHeaderParams('multipart/form-data; boundary="a;b"').params.boundary).toBe('a;b');
		const form = parseForm('multipart/form-data; boundary="a;b"', body('a;b', [{ headers: ['Content-Disposition: form-data; name="text"'], data: 'hi' }]));
		expect(form.field('text')).toBe('hi');
		const urlencoded = parseForm('application/x-www-form-urlencoded', Buffer.from('text=a%20b&x=1'));
		expect(urlencoded.field('text')).toBe('a b');
	});

	it('rejects malformed bodies with FormParseError', () => {
		expect(() => parseForm('application/json', Buffer.from('{}'))).toThrow(FormParseError);
		expect(() => parseForm('multipart/form-data', Buffer.from(''))).toThrow(/boundary/);
		expect(() => parseMultipart(Buffer.from('--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nno end'), 'b')).toThrow(/not terminated/);
		expect(() => parseMultipart(Buffer.from('nothing here'), 'b')).toThrow(FormParseError);
	});

	it('parses a 22 MB upload in linear time', () => {
		const big = Buffer.alloc(22 * 1024 * 1024, 0x61);
		const started = Date.now();
		const parts = parseMultipart(body('----formdata-undici-123', [{ headers: ['Content-Disposition: form-data; name="file"; filename="big.pdf"'], data: big }]), '----formdata-undici-123');
		expect(Date.now() - started).toBeLessThan(1000);
		expect(parts[0].data.length).toBe(big.length);
	});
});
