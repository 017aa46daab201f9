import { documentFromText } from '../../../../../fake-api';
import { invoicePdf, useV0Env } from '../../v0-env';

const env = useV0Env();

async function store(n: number, customer: string) {
	const { error } = await env.run(
		{ resource: 'document', operation: 'upload', options: { metadata: { values: [{ key: 'customer', value: customer }] } } },
		{ items: [invoicePdf(n, { fileName: `${customer}-${n}.pdf` })] },
	);
	if (error) throw error;
}

describe('Document → Get Many and Get (API v0)', () => {
	beforeEach(async () => {
		for (let n = 1; n <= 5; n++) await store(n, n % 2 ? 'acme' : 'globex');
	});

	it('Return All reads every page; Limit stops early', async () => {
		const all = await env.run({ resource: 'document', operation: 'getAll', returnAll: true });
		expect(all.items.map((i) => i.json.filename)).toEqual(['acme-5.pdf', 'globex-4.pdf', 'acme-3.pdf', 'globex-2.pdf', 'acme-1.pdf']);
		const two = await env.run({ resource: 'document', operation: 'getAll', limit: 2 });
		expect(two.items).toHaveLength(2);
	});

	it('filters by file name and by metadata', async () => {
		const byName = await env.run({ resource: 'document', operation: 'getAll', returnAll: true, filters: { search: 'globex' } });
		expect(byName.items.map((i) => i.json.filename)).toEqual(['globex-4.pdf', 'globex-2.pdf']);
		const byMetadata = await env.run({ resource: 'document', operation: 'getAll', returnAll: true, filters: { metaKey: 'customer', metaValue: 'acme' } });
		expect(byMetadata.items).toHaveLength(3);
		expect(env.fake.log.at(-1)!.query).toMatchObject({ meta_key: 'customer', meta_value: 'acme' });
	});

	it('reads a list answered as a bare array too (the list format is not documented)', async () => {
		env.fake.configure({ anesya: { v0ListShape: 'array' } });
		try {
			const { items } = await env.run({ resource: 'document', operation: 'getAll', returnAll: true });
			expect(items).toHaveLength(5);
		} finally {
			env.fake.configure({ anesya: { v0ListShape: 'page' } });
		}
	});

	it('follows `next` past the first page', async () => {
		const document = documentFromText('filler', 'filler.pdf');
		for (let i = 0; i < 150; i++) env.fake.anesyaV0.storeDocument(document, `filler-${i}.pdf`, {});
		env.fake.clearLog();
		const { items } = await env.run({ resource: 'document', operation: 'getAll', returnAll: true });
		expect(items).toHaveLength(155);
		expect(new Set(items.map((i) => i.json.id)).size).toBe(155);
		expect(env.calls('GET /anesya/v0/documents').map((e) => e.query)).toEqual([
			{ page: '1', size: '100' },
			{ page: '2', size: '100' },
		]);
	});

	it('Get outputs one stored document', async () => {
		const id = (await env.run({ resource: 'document', operation: 'getAll', limit: 1 })).items[0].json.id as string;
		const { items } = await env.run({ resource: 'document', operation: 'get', documentId: id });
		expect(items[0].json).toMatchObject({ id, filename: 'acme-5.pdf', metadata: { customer: 'acme' }, page_count: 1 });
	});
});
