import { buildTextPdf } from '../../../../../fake-api';
import { invoiceText } from '../../../../../fixtures/invoices';
import { fileItem } from '../../../../../helpers/n8n-harness';
import { useV0Env } from '../../v0-env';

const env = useV0Env();

async function uploaded(bytes: Buffer, fileName: string): Promise<string> {
	const { items, error } = await env.run({ resource: 'document', operation: 'upload' }, { items: [fileItem(bytes, fileName, 'application/pdf')] });
	if (error) throw error;
	return items[0].json.id as string;
}

describe('Document → Download (API v0)', () => {
	it('follows the redirect to storage without the key and outputs the very bytes uploaded', async () => {
		const bytes = buildTextPdf(invoiceText(9));
		const documentId = await uploaded(bytes, 'invoice 9.pdf');
		env.fake.clearLog();
		const { items, error } = await env.run({ resource: 'document', operation: 'download', documentId, binaryPropertyName: 'file' });
		expect(error).toBeUndefined();
		expect(items[0].json).toEqual({ documentId, fileName: 'invoice 9.pdf', mimeType: 'application/pdf', fileSize: bytes.length });
		const binary = items[0].binary!.file;
		expect(Buffer.from(binary.data, 'base64').equals(bytes)).toBe(true);
		// The API got the key; the storage host got none (it would have refused it).
		expect(env.fake.log.map((e) => [e.vendor, e.route, e.auth.scheme, e.status])).toEqual([
			['anesya', 'GET /anesya/v0/documents/{id}/download', 'x-api-key', 302],
			['storage', 'GET /storage/{id}/{name}', 'none', 200],
		]);
	});

	it('an expired storage link fails naming the storage host, without the link itself', async () => {
		const documentId = await uploaded(buildTextPdf(invoiceText(1)), 'a.pdf');
		env.fake.configure({ anesya: { v0DownloadLinkTtlMs: -1 } });
		try {
			const { error } = await env.run({ resource: 'document', operation: 'download', documentId });
			const storageHost = new URL(env.fake.urls.storage).host;
			expect(error?.message).toMatch(new RegExp(`^Anesya sent the download of document ${documentId} to ${storageHost.replace(/\./g, '\\.')}, which failed: `));
			expect(error?.message).not.toMatch(/signature=/);
			expect(error?.description).toMatch(/may expire quickly/);
		} finally {
			env.fake.configure({ anesya: { v0DownloadLinkTtlMs: 60_000 } });
		}
	});

	it('an unknown document: the 404 names the call', async () => {
		const { error } = await env.run({ resource: 'document', operation: 'download', documentId: '00000000-0000-4000-8000-000000000000' });
		expect(error?.message).toBe('Anesya answered 404 for GET /v0/documents/00000000-0000-4000-8000-000000000000/download: Document not found.');
	});
});
