// The Anesya Trigger for API v0 (node version 2): deliveries signed by the fake Anesya v0 dashboard reach
// webhook() over real HTTP; results are read back from the fake through the v0 transport.
import { createHmac } from 'node:crypto';

import type { IDataObject, IHookFunctions, INodeParameters } from 'n8n-workflow';

import { AnesyaTrigger } from '../../../../../nodes/Anesya/AnesyaTrigger.node';
import { webhookSecretsOf } from '../../../../../nodes/Anesya/v2/trigger/delivery';
import { standardWebhookHeaders } from '../../../../fake-api';
import { triggerDouble, WebhookReceiver, type TriggerDouble } from '../../../../helpers/trigger-double';
import { invoicePdf, metaOf, useV0Env, V0_KEY } from '../v0-env';

const SECRET = `whsec_${Buffer.from('anesya v0 webhook secret for tests').toString('base64')}`;

describe('Anesya Trigger v2 (API v0): deliveries', () => {
	const env = useV0Env({}, 60);
	const nodeType = new AnesyaTrigger();
	let receiver: WebhookReceiver;
	let trigger: TriggerDouble;

	beforeEach(async () => {
		receiver = new WebhookReceiver(nodeType);
		await receiver.listen();
	});
	afterEach(async () => await receiver.close());

	const url = (query = '') => `${receiver.url}/webhook${query}`;
	/** The trigger under test, receiving at `receiver`, with the v0 credential. */
	const configure = (parameters: INodeParameters) => {
		trigger = triggerDouble({
			nodeType,
			parameters,
			webhookUrl: url(),
			credentials: { apiGeneration: 'v0', apiToken: V0_KEY, baseUrl: env.fake.urls.anesya },
		});
		receiver.double = trigger;
		return trigger;
	};
	const itemsOf = (n: number) => receiver.deliveries[n].output?.[0]?.map((i) => i.json) ?? [];
	const parse = async (n = 1) => {
		const run = await env.run({ resource: 'parsing', operation: 'create', input: 'binary', waitForCompletion: false }, { items: [invoicePdf(n)] });
		expect(run.error).toBeUndefined();
		return String(run.items[0].json.id);
	};
	const reads = (kind: 'parsing' | 'extract') => env.calls(`GET /anesya/v0/${kind}/{id}`);

	/** Posts a hand-made delivery; `sign` signs the given body with the secret (Standard Webhooks). */
	const post = async (body: string, headers: Record<string, string> = {}, query = '') => {
		const response = await fetch(url(query), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
		const text = await response.text();
		// Anesya gets its answer before the execution runs: wait until the receiver has recorded both.
		await receiver.idle();
		return { status: response.status, json: text ? (JSON.parse(text) as IDataObject) : undefined };
	};
	const finishedParsing = (id = 'f6c1a1de-0000-4000-8000-000000000001') =>
		JSON.stringify({ id: 'b1eaea1a-ee96-4f7d-a2cb-dbadff2da584', event: 'parsing.finished', timestamp: '2026-04-22T10:15:26.123456+00:00', data: { id, status: 'FINISHED', markdown_content: '# forged' } });
	const signed = (body: string, secret = SECRET, id = 'msg_handmade') => standardWebhookHeaders(secret, id, Math.floor(Date.now() / 1000), body);

	it('shows v0 events and its own parameters; new nodes get version 2 with the Anesya credential', () => {
		const { description } = nodeType;
		expect(description.version).toEqual([1, 2]);
		expect(description.defaultVersion).toBe(2);
		expect(description.credentials).toEqual([{ name: 'anesyaApi', required: true, displayOptions: { show: { '@version': [2] } } }]);
		const v2 = description.properties.filter((p) => (p.displayOptions?.show?.['@version'] as number[] | undefined)?.includes(2));
		expect(v2.find((p) => p.name === 'events')!.options!.map((o) => (o as { value: string }).value)).toEqual([
			'parsing.in_queue',
			'parsing.in_progress',
			'parsing.finished',
			'parsing.partial_finished',
			'parsing.failed',
			'extract.completed',
			'extract.failed',
		]);
		expect(v2.map((p) => p.name)).toEqual(expect.arrayContaining(['webhookSecret', 'signatureCheck', 'urlToken', 'fetchResult', 'output']));
		expect(v2.find((p) => p.name === 'webhookSecret')!.typeOptions).toEqual({ password: true });
		expect(v2.find((p) => p.name === 'signatureCheck')!.default).toBe('auto');
	});

	it('a signed parsing.finished → one execution with the parsing read through the v0 API, authenticated by signature', async () => {
		configure({ webhookSecret: SECRET });
		env.fake.anesyaV0.setWebhooks([{ event: 'parsing.finished', url: url(), secret: SECRET }]);
		const parsingId = await parse(3);
		const [delivery] = await receiver.waitForDeliveries(1);
		// Anesya got an empty 200 from webhook() itself, before the execution read the parsing.
		expect({ status: delivery.status, body: delivery.responseBody, noWebhookResponse: delivery.result?.noWebhookResponse }).toEqual({ status: 200, body: '', noWebhookResponse: true });
		expect(delivery.answeredAt).toBeLessThanOrEqual(delivery.executedAt!);
		const [item] = itemsOf(0);
		expect(item.markdown).toMatch(/INV-1003/);
		expect(item).toMatchObject({ partial: false, failedPages: [] });
		expect(metaOf(item)).toMatchObject({ parsingId, status: 'FINISHED', event: 'parsing.finished', authenticatedBy: 'signature' });
		expect(reads('parsing').filter((e) => e.path.endsWith(parsingId))).toHaveLength(1);
	});

	it('a signed extract.completed (HMAC of the body in X-Anesya-Signature) → the fields, shaped like Extract → Get', async () => {
		env.fake.configure({ anesya: { v0WebhookSigning: 'hmac-sha256' } });
		try {
			configure({ webhookSecret: SECRET, events: ['extract.completed'] });
			env.fake.anesyaV0.setWebhooks([{ event: 'extract.completed', url: url(), secret: SECRET }]);
			const run = await env.run({ resource: 'extract', operation: 'create', input: 'binary', schemaId: env.schemaId, waitForCompletion: false }, { items: [invoicePdf(5)] });
			expect(run.error).toBeUndefined();
			await receiver.waitForDeliveries(1);
			const [item] = itemsOf(0);
			expect(item).toMatchObject({ invoice_number: 'INV-1005', total_amount: 1050 });
			expect(metaOf(item)).toMatchObject({ extractId: run.items[0].json.id, status: 'FINISHED', schemaId: env.schemaId, event: 'extract.completed', authenticatedBy: 'signature' });
			expect(receiver.deliveries[0].request.headers['x-anesya-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
		} finally {
			env.fake.configure({ anesya: { v0WebhookSigning: 'standard' } });
		}
	});

	it('refuses a tampered delivery, a wrong secret and a stale signature with 401; nothing runs, nothing is fetched', async () => {
		configure({ webhookSecret: SECRET });
		const body = finishedParsing();
		const tampered = await post(body.replace('# forged', '# changed'), signed(body));
		const wrongSecret = await post(body, signed(body, `whsec_${Buffer.from('guess').toString('base64')}`));
		const stale = await post(body, standardWebhookHeaders(SECRET, 'msg_old', Math.floor(Date.now() / 1000) - 600, body));
		const hmacForged = await post(body, { 'x-anesya-signature': `sha256=${createHmac('sha256', 'guess').update(body).digest('hex')}` });
		expect([tampered, wrongSecret, stale, hmacForged].map((r) => [r.status, r.json?.message])).toEqual([
			[401, 'Invalid signature'],
			[401, 'Invalid signature'],
			[401, expect.stringMatching(/more than 5 minutes away from now/)],
			[401, 'Invalid signature'],
		]);
		expect(receiver.executions).toHaveLength(0);
		expect(reads('parsing')).toHaveLength(0);
	});

	it('with a secret set, an unsigned delivery is refused and the answer lists the headers that arrived (never values)', async () => {
		env.fake.configure({ anesya: { v0WebhookSigning: 'none' } });
		try {
			configure({ webhookSecret: SECRET, urlToken: 'url-token-value' });
			env.fake.anesyaV0.setWebhooks([{ event: 'parsing.finished', url: url('?token=url-token-value'), secret: SECRET }]);
			await parse();
			const [refused] = await receiver.waitForDeliveries(1);
			expect(refused.status).toBe(401);
			const { message } = JSON.parse(refused.responseBody) as { message: string };
			expect(message).toMatch(/^Signature required but none recognised\. Expected: webhook-id, webhook-timestamp and webhook-signature \(Standard Webhooks\); or X-Anesya-Signature or X-Signature or X-Webhook-Signature/);
			expect(message).toMatch(/Headers received: .*content-type.*user-agent/);
			expect(message).not.toContain('url-token-value');
			expect(message).not.toContain(SECRET);
			expect(trigger.warnings).toEqual([expect.stringContaining('Headers received:')]);
			expect(receiver.executions).toHaveLength(0);
		} finally {
			env.fake.configure({ anesya: { v0WebhookSigning: 'standard' } });
		}
	});

	it('Auto without a secret rests on the URL token ("token"), or on nothing ("none"); a wrong token is refused', async () => {
		configure({ urlToken: 'url-token-value', fetchResult: false });
		const body = finishedParsing();
		expect((await post(body, {}, '?token=url-token-value')).status).toBe(200);
		expect(metaOf(itemsOf(0)[0]).authenticatedBy).toBe('token');
		expect((await post(body, {}, '?token=url-token')).json).toEqual({ error: 'Unauthorized', message: expect.stringMatching(/token does not match/) });

		configure({ fetchResult: false });
		expect((await post(finishedParsing('f6c1a1de-0000-4000-8000-000000000002'))).status).toBe(200);
		expect(metaOf(itemsOf(2)[0]).authenticatedBy).toBe('none');
		expect(receiver.executions).toHaveLength(2);
	});

	it('Required without a secret cannot be activated; with one, it accepts a signed delivery', async () => {
		const create = nodeType.webhookMethods!.default.create;
		await expect(create.call(configure({ signatureCheck: 'required' }).hookContext())).rejects.toThrow(/Signature Check is Required but no Webhook Secret is set/);
		await expect(create.call(configure({ signatureCheck: 'required', webhookSecret: SECRET }).hookContext())).resolves.toBe(true);
		// Version 1 (0.8.1) has no signatures and activates as before.
		const v1 = triggerDouble({ nodeType, parameters: {}, webhookUrl: url(), typeVersion: 1 });
		await expect(create.call(v1.hookContext() as IHookFunctions)).resolves.toBe(true);

		configure({ signatureCheck: 'required', webhookSecret: SECRET, fetchResult: false });
		const body = finishedParsing();
		expect((await post(body, signed(body))).status).toBe(200);
		expect(metaOf(itemsOf(0)[0]).authenticatedBy).toBe('signature');
	});

	it('accepts several secrets (one per dashboard webhook sending here)', async () => {
		const other = `whsec_${Buffer.from('the other dashboard webhook').toString('base64')}`;
		expect(webhookSecretsOf(` ${SECRET}, ${other} `)).toEqual([SECRET, other]);
		configure({ webhookSecret: `${SECRET}, ${other}`, fetchResult: false });
		const body = finishedParsing();
		expect((await post(body, signed(body, other))).status).toBe(200);
		expect(receiver.executions).toHaveLength(1);
	});

	it('Fetch Result off: the delivered copy is emitted and nothing is read; a redelivery runs nothing', async () => {
		configure({ webhookSecret: SECRET, fetchResult: false });
		env.fake.anesyaV0.setWebhooks([{ event: 'parsing.finished', url: url(), secret: SECRET }]);
		const parsingId = await parse(2);
		await receiver.waitForDeliveries(1);
		expect(itemsOf(0)[0].markdown).toMatch(/INV-1002/);
		expect(reads('parsing')).toHaveLength(0);

		const [record] = env.fake.anesyaV0.deliveries;
		env.fake.anesyaV0.redeliver(record.id);
		await receiver.waitForDeliveries(2);
		expect(receiver.deliveries[1].result?.webhookResponse).toEqual({ received: true, duplicate: true });
		expect(receiver.executions).toHaveLength(1);
		expect(metaOf(itemsOf(0)[0]).parsingId).toBe(parsingId);
	});

	it('a non-final event is emitted as delivered (nothing to fetch); a failed fetch keeps the event and says why', async () => {
		configure({ webhookSecret: SECRET, events: ['parsing.in_queue', 'parsing.finished'] });
		const queued = JSON.stringify({ id: 'w', event: 'parsing.in_queue', timestamp: '2026-04-22T10:15:26+00:00', data: { id: 'f6c1a1de-0000-4000-8000-000000000003', status: 'IN_QUEUE' } });
		expect((await post(queued, signed(queued, SECRET, 'msg_q'))).status).toBe(200);
		expect(metaOf(itemsOf(0)[0])).toMatchObject({ status: 'IN_QUEUE', event: 'parsing.in_queue' });
		expect(reads('parsing')).toHaveLength(0);

		// A parsing the API does not know: the delivered copy is emitted, flagged with what failed.
		const body = finishedParsing();
		expect((await post(body, signed(body))).status).toBe(200);
		const [item] = itemsOf(1);
		expect(item.markdown).toBe('# forged');
		expect(metaOf(item).resultsError).toMatch(/404|not found/i);
		expect(reads('parsing')).toHaveLength(1);
	});
});
