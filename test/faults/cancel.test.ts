// Fault suite: cancelling the execution while documents are being waited for ends the node within
// one second, for both vendors — no sleeping out a poll interval, no request left to finish first.
import type { INodeExecutionData, INodeParameters, INodeType } from 'n8n-workflow';

// The 0.8.1 operations are version 1 of the versioned Anesya node.
import { AnesyaV1 as Anesya } from '../../nodes/Anesya/v1/AnesyaV1.node';
import { Anyformat } from '../../nodes/Anyformat/Anyformat.node';
import { buildTextPdf, startFakeApi, type FakeApi } from '../fake-api';
import { INVOICE_SCHEMA, invoiceText, invoiceWorkflow } from '../fixtures/invoices';
import { byId, fakeCredentials, fileItem, runNode } from '../helpers/n8n-harness';

let fake: FakeApi;
beforeAll(async () => {
	// Documents that never finish within the test: the node can only be waiting.
	fake = await startFakeApi({ anyformat: { latencyMs: 600_000, rateLimits: false }, anesya: { latencyMs: 600_000 } });
});
afterAll(async () => fake.close());

async function cancelWhileWaiting(nodeType: INodeType, parameters: INodeParameters, items: INodeExecutionData[], waitingOn: RegExp) {
	let cancelledAt = 0;
	const { status } = await runNode({
		nodeType,
		parameters,
		credentials: fakeCredentials(fake),
		items,
		onStarted: (cancel) => {
			// Cancel once the node has submitted everything and started polling.
			void fake.waitFor(() => fake.log.find((e) => e.method === 'GET' && waitingOn.test(e.path)), { timeoutMs: 20_000 }).then(() => {
				cancelledAt = Date.now();
				cancel();
			});
		},
	});
	return { status, afterCancelMs: Date.now() - cancelledAt };
}

it('anyformat: a batch waiting for results stops within 1 s of cancelling', async () => {
	const workflowId = fake.anyformat.createWorkflow(invoiceWorkflow).id;
	const items = Array.from({ length: 5 }, (_, i) => fileItem(invoiceText(i), `doc-${i}.txt`, 'text/plain'));
	const { status, afterCancelMs } = await cancelWhileWaiting(
		new Anyformat(),
		{ resource: 'extraction', operation: 'extractFromFile', workflow: byId(workflowId) },
		items,
		/\/files\//,
	);
	expect(status).toBe('canceled');
	expect(afterCancelMs).toBeLessThan(1000);
});

it('Anesya: a batch waiting for extracts stops within 1 s of cancelling', async () => {
	const schemaId = fake.anesya.createSchema({ name: 'Invoices', description: 'Invoices', schema: INVOICE_SCHEMA }).id;
	const items = Array.from({ length: 5 }, (_, i) => fileItem(buildTextPdf(invoiceText(i)), `doc-${i}.pdf`, 'application/pdf'));
	const { status, afterCancelMs } = await cancelWhileWaiting(
		new Anesya(),
		{ resource: 'extract', operation: 'extractWithSchema', server: 'EU-1', schema: byId(schemaId) },
		items,
		/\/anesya\/extract\//,
	);
	expect(status).toBe('canceled');
	expect(afterCancelMs).toBeLessThan(1000);
});
