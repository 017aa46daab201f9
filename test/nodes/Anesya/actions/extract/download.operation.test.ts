import { useAnesyaEnv } from '../../anesya-env';

const env = useAnesyaEnv();

function download(extractId: string, parameters: Record<string, unknown> = {}) {
	return env.run({ resource: 'extract', operation: 'download', extractId, ...parameters });
}

describe('Extract → Download', () => {
	it('downloads CSV as a binary file named by the API', async () => {
		const id = await env.submit(2);
		env.fake.anesya.completeNow(id);
		const { items, error } = await download(id);
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ ready: true, extractId: id, format: 'csv', fileName: 'invoice-2.csv', mimeType: 'text/csv' });
		const binary = items[0].binary!.data;
		expect(binary).toMatchObject({ fileName: 'invoice-2.csv', mimeType: 'text/csv' });
		const csv = Buffer.from(binary.data, 'base64').toString('utf8');
		expect(csv.split('\n')[0]).toContain('invoice_number');
		expect(csv).toContain('INV-1002');
		expect(env.calls('GET /anesya/extract/{id}/')[0].query).toEqual({ download: 'csv' });
	});

	it('JSON goes to the chosen field; images come as a ZIP file', async () => {
		const id = await env.submit(2);
		env.fake.anesya.completeNow(id);
		const json = await download(id, { format: 'json', binaryPropertyName: 'export' });
		const file = json.items[0].binary!.export;
		expect(file).toMatchObject({ fileName: 'invoice-2.json', mimeType: 'application/json' });
		expect(JSON.parse(Buffer.from(file.data, 'base64').toString('utf8'))).toMatchObject({ invoice_number: 'INV-1002' });
		const zip = await download(id, { format: 'images' });
		expect(zip.items[0].binary!.data).toMatchObject({ fileName: 'invoice-2_images.zip', mimeType: 'application/zip' });
		expect(Buffer.from(zip.items[0].binary!.data.data, 'base64').subarray(0, 4).toString('latin1')).toBe('PK\u0005\u0006');
	});

	it('waits while Anesya answers 202 (not ready), then downloads', async () => {
		env.reset(1200);
		const id = await env.submit(5);
		const { items, error } = await download(id, { timeout: 20 });
		expect(error).toBeUndefined();
		expect(items[0].json.ready).toBe(true);
		const attempts = env.calls('GET /anesya/extract/{id}/');
		expect(attempts[0].status).toBe(202);
		expect(attempts.at(-1)!.status).toBe(200);
	});

	it('without waiting reports "not ready yet" clearly', async () => {
		env.reset(5000);
		const id = await env.submit(5);
		const { items, error } = await download(id, { waitForCompletion: false });
		expect(error).toBeUndefined();
		expect(items[0].binary).toBeUndefined();
		expect(items[0].json).toMatchObject({ ready: false, extractId: id, format: 'csv', message: expect.stringMatching(/has not finished .* yet/) });
	});

	it('gives up at the timeout with the extract ID', async () => {
		env.reset(5000);
		const id = await env.submit(5);
		const { error } = await download(id, { timeout: 1 });
		expect(error?.message).toBe(`Extract ${id} is still processing after 1 s, so there is nothing to download yet`);
	});

	it('a failed extract cannot be downloaded: the API says why', async () => {
		const id = await env.submit(5, { fail: true });
		env.fake.anesya.completeNow(id);
		const { error } = await download(id);
		expect(error?.message).toBe('Anesya refused the request: The extraction failed; there is nothing to download.');
	});
});
