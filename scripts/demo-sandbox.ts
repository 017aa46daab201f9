// The demo's sandbox: the fake anyformat + Anesya API (test/fake-api) on 127.0.0.1, seeded with the demo's
// workflows and schema under fixed IDs (so n8n workflows saved in .demo/ still point at them after a
// restart), with the text of the sample receipt image, and keys that are obviously not real.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { FakeApi, FakeApiOptions } from '../test/fake-api';
import { sha256Hex } from '../test/fake-api/ids';
import {
	SAMPLE_INVOICE_FIELDS,
	SAMPLE_PURCHASE_ORDER_FIELDS,
	SAMPLE_RECEIPT_SCHEMA,
	SAMPLE_RECEIPT_TEXT,
} from './samples';

/** The sandbox accepts exactly these (they are printed, stored in the demo's n8n credentials, and harmless). */
export const SANDBOX_ANYFORMAT_KEY = 'sandbox_anyformat_key';
export const SANDBOX_ANESYA_TOKEN = 'sandbox_anesya_token';
/** Shared secret of the demo's Anesya Trigger (the sandbox's dashboard webhook carries it as ?token=). */
export const SANDBOX_ANESYA_TRIGGER_SECRET = 'sandbox-anesya-trigger-secret';

/** Fixed IDs of what the sandbox is seeded with. */
export const SANDBOX_IDS = {
	anyformatInvoices: '5a4db0c5-0001-4000-8000-00000000a001',
	anyformatPurchaseOrders: '5a4db0c5-0002-4000-8000-00000000a002',
	anesyaReceiptSchema: '5a4db0c5-0003-4000-8000-00000000b001',
	anesyaReceiptWorkflow: '5a4db0c5-0004-4000-8000-00000000b002',
	/** webhook IDs of the two trigger nodes: their production URLs are /webhook/<id>/webhook */
	anyformatTriggerWebhook: '5a4db0c5-0005-4000-8000-00000000c001',
	anesyaTriggerWebhook: '5a4db0c5-0006-4000-8000-00000000c002',
} as const;

export const SANDBOX_NAMES = {
	anyformatInvoices: 'Sandbox – Invoices',
	anyformatPurchaseOrders: 'Sandbox – Purchase orders',
	anesyaReceiptSchema: 'Sandbox – Receipts',
	anesyaReceiptWorkflow: 'Sandbox – Receipts workflow',
} as const;

/** Processing time the sandbox pretends to need: long enough to see "waiting", short enough not to bore. */
const SANDBOX_LATENCY_MS = 1500;


/**
 * FakeApiOptions of the sandbox. `anesyaTriggerUrl` is where the sandbox's (dashboard-configured) Anesya
 * webhook delivers `workflow.completed`: the demo's Anesya Trigger.
 */
export function sandboxOptions(o: { port: number; samplesDir: string; anesyaTriggerUrl: string }): FakeApiOptions {
	return {
		port: o.port,
		host: '127.0.0.1',
		anyformat: {
			apiKeys: [SANDBOX_ANYFORMAT_KEY],
			latencyMs: SANDBOX_LATENCY_MS,
			// the demo's n8n runs on http://127.0.0.1; real anyformat insists on https
			allowHttpWebhooks: true,
		},
		anesya: { tokens: [SANDBOX_ANESYA_TOKEN], latencyMs: SANDBOX_LATENCY_MS },
		// images carry no text layer: tell the sandbox what the receipt says
		// Keyed by the fake's own content hash, so it recognises the receipt image when it is uploaded.
		sidecarText: { [sha256Hex(readFileSync(join(o.samplesDir, 'receipt.png')))]: SAMPLE_RECEIPT_TEXT },
		seed: {
			anyformat: {
				workflows: [
					{
						id: SANDBOX_IDS.anyformatInvoices,
						name: SANDBOX_NAMES.anyformatInvoices,
						description: 'Sandbox: invoice header fields and line items (demo data, not a real anyformat account)',
						fields: SAMPLE_INVOICE_FIELDS,
					},
					{
						id: SANDBOX_IDS.anyformatPurchaseOrders,
						name: SANDBOX_NAMES.anyformatPurchaseOrders,
						description: 'Sandbox: purchase-order emails (demo data, not a real anyformat account)',
						fields: SAMPLE_PURCHASE_ORDER_FIELDS,
					},
				],
			},
			anesya: {
				schemas: [
					{
						id: SANDBOX_IDS.anesyaReceiptSchema,
						name: SANDBOX_NAMES.anesyaReceiptSchema,
						description: 'Sandbox: till receipts (demo data, not a real Anesya account)',
						schema: SAMPLE_RECEIPT_SCHEMA,
					},
				],
				workflows: [
					{
						id: SANDBOX_IDS.anesyaReceiptWorkflow,
						name: SANDBOX_NAMES.anesyaReceiptWorkflow,
						schemaId: SANDBOX_IDS.anesyaReceiptSchema,
					},
				],
				webhooks: [{ event: 'workflow.completed', url: o.anesyaTriggerUrl }],
			},
		},
	};
}

/** The sandbox credentials' data, as n8n stores it for each credential type. */
export function sandboxCredentialData(type: 'anyformatApi' | 'anesyaApi', sandbox: FakeApi): Record<string, string> {
	return type === 'anyformatApi'
		? { apiKey: SANDBOX_ANYFORMAT_KEY, baseUrl: sandbox.urls.anyformat }
		: { apiToken: SANDBOX_ANESYA_TOKEN, baseUrl: sandbox.urls.anesya };
}
