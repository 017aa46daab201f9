// Another client using the same anyformat workflow or Anesya account while a node runs: the way
// real workflows are shared (other executions, other integrations, people in the vendor's app). It
// submits its own documents over HTTP with its own key, at a steady rate, until stopped.
import { buildTextPdf, type FakeApi } from '../fake-api';
import { invoiceText } from '../fixtures/invoices';

export const SECOND_ANYFORMAT_KEY = 'af_second_client_key';
export const SECOND_ANESYA_TOKEN = 'anesya_second_client_token';

export type SecondClientTarget =
	| { vendor: 'anyformat'; workflowId: string }
	| { vendor: 'anesya'; workflowId: string }
	| { vendor: 'anesya'; schemaId: string }
	| { vendor: 'anesya-v0'; schemaId: string };

export const SECOND_ANESYA_V0_KEY = 'anesya_v0_second_client_key';

export interface SecondClient {
	/** Names of the documents it submitted (all start with "other-client-"). */
	readonly submitted: string[];
	stop(): Promise<void>;
}

function pdfForm(field: string, name: string, n: number, extra: Array<[string, string]> = []): FormData {
	const form = new FormData();
	form.append(field, new Blob([buildTextPdf(invoiceText(500 + n))], { type: 'application/pdf' }), name);
	for (const [key, value] of extra) form.append(key, value);
	return form;
}

/**
 * Starts submitting one document every 1000 / perSecond ms (at most `maxDocuments`, default 300).
 * Failed submissions (rate limits, injected faults) are simply skipped, as a real client would retry later.
 */
export function startSecondClient(fake: FakeApi, target: SecondClientTarget, options: { perSecond?: number; maxDocuments?: number } = {}): SecondClient {
	const perSecond = options.perSecond ?? 1;
	const maxDocuments = options.maxDocuments ?? 300;
	fake.configure({
		anyformat: { apiKeys: [...new Set([...fake.options.anyformat.apiKeys, SECOND_ANYFORMAT_KEY])] },
		anesya: {
			tokens: [...new Set([...fake.options.anesya.tokens, SECOND_ANESYA_TOKEN])],
			apiKeys: [...new Set([...fake.options.anesya.apiKeys, SECOND_ANESYA_V0_KEY])],
		},
	});
	const submitted: string[] = [];
	const inFlight = new Set<Promise<unknown>>();
	let n = 0;

	const submitOne = async () => {
		const name = `other-client-${String(n).padStart(3, '0')}.pdf`;
		const index = n++;
		let url: string;
		let init: RequestInit;
		if (target.vendor === 'anesya-v0') {
			// v0: store the document (free), then extract it by its ID.
			const headers = { 'x-api-key': SECOND_ANESYA_V0_KEY };
			const stored = await fetch(`${fake.urls.anesya}/v0/documents`, { method: 'POST', headers, body: pdfForm('file', name, index) }).catch(() => undefined);
			const document = stored?.ok ? ((await stored.json()) as { id: string }) : undefined;
			if (!document) return;
			url = `${fake.urls.anesya}/v0/extract`;
			init = { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ schema: target.schemaId, document: document.id }) };
		} else if (target.vendor === 'anyformat') {
			url = `${fake.urls.anyformat}/v2/workflows/${target.workflowId}/run/`;
			init = { method: 'POST', headers: { authorization: `Bearer ${SECOND_ANYFORMAT_KEY}` }, body: pdfForm('file', name, index) };
		} else if ('workflowId' in target) {
			url = `${fake.urls.anesya}/workflow/${target.workflowId}/extract/`;
			init = { method: 'POST', headers: { authorization: SECOND_ANESYA_TOKEN }, body: pdfForm('extracts[0][document]', name, index) };
		} else {
			url = `${fake.urls.anesya}/extract/`;
			const extra: Array<[string, string]> = [['server', 'EU-1'], ['schema', target.schemaId]];
			init = { method: 'POST', headers: { authorization: SECOND_ANESYA_TOKEN }, body: pdfForm('document', name, index, extra) };
		}
		const response = await fetch(url, init).catch(() => undefined);
		await response?.arrayBuffer().catch(() => undefined);
		if (response && response.status < 300) submitted.push(name);
	};

	const timer = setInterval(() => {
		if (n >= maxDocuments) return;
		const sending = submitOne();
		inFlight.add(sending);
		void sending.finally(() => inFlight.delete(sending));
	}, 1000 / perSecond);

	return {
		submitted,
		stop: async () => {
			clearInterval(timer);
			await Promise.allSettled([...inFlight]);
		},
	};
}
