// Fault suite: 1000 generated hostile deliveries to an active Anyformat Trigger — forged signatures,
// tampered bodies, replays (same delivery again, or an old timestamp), unsigned calls without the
// token, the right signature with a wrong token, a signature from another secret — interleaved with
// valid deliveries. Not one hostile delivery may start an execution; every valid one must. With Signature
// Check Required, an unsigned delivery carrying the valid token (a URL leaked from a proxy log) is hostile too.
import { randomBytes } from 'node:crypto';
import type { IDataObject } from 'n8n-workflow';

import { AnyformatTrigger } from '../../nodes/Anyformat/AnyformatTrigger.node';
import { DEFAULT_ANYFORMAT_KEY, standardWebhookHeaders, startFakeApi, type FakeApi } from '../fake-api';
import { triggerDouble, WebhookReceiver, type TriggerDouble } from '../helpers/trigger-double';
import { report } from '../helpers/verbose';

const HOSTILE = 1000;
const VALID = 50;
const WEBHOOK_PATH = '/webhook/b0000000-0000-4000-8000-0000000000aa/webhook';

/** Deterministic PRNG (mulberry32) so every run sends the same deliveries. */
function prng(seed: number) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

interface Delivery {
	kind: string;
	token: string | null;
	headers: Record<string, string>;
	body: string;
}

let fake: FakeApi;
let receiver: WebhookReceiver;
let trigger: TriggerDouble;

beforeAll(async () => {
	fake = await startFakeApi({ anyformat: { allowHttpWebhooks: true } });
	receiver = new WebhookReceiver(new AnyformatTrigger());
	await receiver.listen();
	trigger = triggerDouble({
		nodeType: new AnyformatTrigger(),
		parameters: { includeData: false, options: { allowHttp: true } },
		webhookUrl: `${receiver.url}${WEBHOOK_PATH}`,
		credentials: { apiKey: DEFAULT_ANYFORMAT_KEY, baseUrl: fake.urls.anyformat },
	});
	await new AnyformatTrigger().webhookMethods.default.create.call(trigger.hookContext());
	receiver.double = trigger;
});
afterAll(async () => {
	await receiver.close();
	await fake.close();
});

it(`${HOSTILE} hostile deliveries start nothing; ${VALID} valid ones each start one execution`, async () => {
	const random = prng(1122);
	const token = trigger.staticData.token as string;
	const secret = trigger.staticData.secret as string;
	const otherSecret = `whsec_${randomBytes(32).toString('base64')}`;
	const now = () => Math.floor(Date.now() / 1000);
	const event = (n: number): string =>
		JSON.stringify({
			event: random() < 0.5 ? 'extraction.completed' : 'extraction.failed',
			timestamp: new Date().toISOString(),
			data: { extraction_id: `c-${n}-${Math.floor(random() * 1e9)}`, status: 'processed', workflow_id: 'w-1', processed_at: null },
		});
	const signed = (body: string, id: string, key = secret, timestamp = now()) => standardWebhookHeaders(key, id, timestamp, body);

	const valid: Delivery[] = [];
	const hostile: Delivery[] = [];
	const kinds = ['forged signature', 'tampered body', 'replayed delivery', 'stale timestamp', 'unsigned without token', 'wrong token', 'other secret'];
	for (let i = 0; i < VALID; i++) {
		const body = event(i);
		valid.push({ kind: 'valid', token, headers: signed(body, `msg_valid_${i}`), body });
	}
	for (let i = 0; i < HOSTILE; i++) {
		const kind = kinds[i % kinds.length];
		const body = event(10_000 + i);
		const id = `msg_hostile_${i}`;
		switch (kind) {
			case 'forged signature':
				hostile.push({ kind, token, headers: { ...signed(body, id), 'webhook-signature': `v1,${randomBytes(32).toString('base64')}` }, body });
				break;
			case 'tampered body':
				hostile.push({ kind, token, headers: signed(body, id), body: body.replace('"workflow_id":"w-1"', '"workflow_id":"w-evil"') });
				break;
			case 'replayed delivery': {
				const original = valid[Math.floor(random() * VALID)];
				hostile.push({ ...original, kind });
				break;
			}
			case 'stale timestamp':
				hostile.push({ kind, token, headers: signed(body, id, secret, now() - 301 - Math.floor(random() * 86_400)), body });
				break;
			case 'unsigned without token':
				hostile.push({ kind, token: random() < 0.5 ? null : randomBytes(32).toString('base64url'), headers: {}, body });
				break;
			case 'wrong token':
				hostile.push({ kind, token: `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, headers: signed(body, id), body });
				break;
			default:
				hostile.push({ kind, token, headers: signed(body, id, otherSecret), body });
		}
	}

	const send = async (d: Delivery) => {
		const url = new URL(`${receiver.url}${WEBHOOK_PATH}`);
		if (d.token !== null) url.searchParams.set('token', d.token);
		const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...d.headers }, body: d.body });
		await response.arrayBuffer();
		return response.status;
	};

	// Valid first (replays copy them), then everything else shuffled together, 16 at a time.
	for (const d of valid) expect(await send(d)).toBe(200);
	expect(receiver.executions).toHaveLength(VALID);

	const mixed = [...hostile];
	for (let i = mixed.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[mixed[i], mixed[j]] = [mixed[j], mixed[i]];
	}
	const statuses: Record<string, Record<number, number>> = {};
	for (let i = 0; i < mixed.length; i += 16) {
		const batch = mixed.slice(i, i + 16);
		const answers = await Promise.all(batch.map(send));
		batch.forEach((d, k) => {
			statuses[d.kind] ??= {};
			statuses[d.kind][answers[k]] = (statuses[d.kind][answers[k]] ?? 0) + 1;
		});
	}

	expect(receiver.executions).toHaveLength(VALID);
	for (const kind of kinds.filter((k) => k !== 'replayed delivery')) expect(Object.keys(statuses[kind])).toEqual(['401']);
	// A replay of a genuine delivery is authentic but already seen: acknowledged, not run again.
	expect(Object.keys(statuses['replayed delivery'])).toEqual(['200']);
	const accepted = receiver.executions.flat(2).map((item) => (item.json as IDataObject)._meta as IDataObject);
	expect(new Set(accepted.map((m) => m.deliveryId)).size).toBe(VALID);
	report(`trigger forgery: ${HOSTILE} hostile deliveries → 0 executions (${JSON.stringify(statuses)}); ${VALID}/${VALID} valid accepted`);
}, 60_000);

it('with Signature Check Required, 200 unsigned deliveries carrying the valid token start nothing; signed ones still run', async () => {
	const required = triggerDouble({
		nodeType: new AnyformatTrigger(),
		parameters: { includeData: false, signatureCheck: 'required', options: { allowHttp: true } },
		webhookUrl: `${receiver.url}${WEBHOOK_PATH}`,
		credentials: { apiKey: DEFAULT_ANYFORMAT_KEY, baseUrl: fake.urls.anyformat },
		// The same subscription (token and secret) as the Auto trigger above.
		staticData: trigger.staticData,
	});
	receiver.double = required;
	try {
		const url = new URL(`${receiver.url}${WEBHOOK_PATH}`);
		url.searchParams.set('token', trigger.staticData.token as string);
		const body = (n: number) => JSON.stringify({ event: 'extraction.completed', timestamp: new Date().toISOString(), data: { extraction_id: `r-${n}`, workflow_id: 'w-1' } });
		const post = async (text: string, headers: Record<string, string> = {}) => {
			const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: text });
			await response.arrayBuffer();
			return response.status;
		};
		const before = receiver.executions.length;
		const unsigned: number[] = [];
		for (let i = 0; i < 200; i += 20) unsigned.push(...(await Promise.all(Array.from({ length: 20 }, (_, k) => post(body(i + k))))));
		expect(new Set(unsigned)).toEqual(new Set([401]));
		expect(receiver.executions).toHaveLength(before);

		const secret = trigger.staticData.secret as string;
		for (let i = 0; i < 5; i++) {
			const text = body(1000 + i);
			expect(await post(text, standardWebhookHeaders(secret, `msg_required_${i}`, Math.floor(Date.now() / 1000), text))).toBe(200);
		}
		expect(receiver.executions).toHaveLength(before + 5);
	} finally {
		receiver.double = trigger;
	}
}, 60_000);
