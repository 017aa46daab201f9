/** Shared helpers for the fake-api tests: authenticated fetch wrappers, forms, and a local webhook receiver. */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeApi } from './index';
import { DEFAULT_ANESYA_TOKEN, DEFAULT_ANYFORMAT_KEY } from './options';

export const AF_KEY = DEFAULT_ANYFORMAT_KEY;
export const ANESYA_TOKEN = DEFAULT_ANESYA_TOKEN;

export interface Fetched {
	status: number;
	headers: Headers;
	text: string;
	/** Parsed JSON body, or undefined when the body is not JSON. */
	json: any;
}

export async function call(url: string, init: RequestInit = {}): Promise<Fetched> {
	const response = await fetch(url, { redirect: 'manual', ...init });
	const text = await response.text();
	let json: unknown;
	try {
		json = text ? JSON.parse(text) : undefined;
	} catch {
		json = undefined;
	}
	return { status: response.status, headers: response.headers, text, json };
}

/** anyformat v2 with the Bearer key. */
export function v2(fake: FakeApi, path: string, init: RequestInit = {}, key = AF_KEY): Promise<Fetched> {
	return call(`${fake.urls.anyformat}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, ...(init.headers as Record<string, string>) } });
}

/** anyformat v1 with x-api-key. */
export function v1(fake: FakeApi, path: string, init: RequestInit = {}, key = AF_KEY): Promise<Fetched> {
	return call(`${fake.urls.anyformat}${path}`, { ...init, headers: { 'x-api-key': key, ...(init.headers as Record<string, string>) } });
}

/** Anesya with the raw token. */
export function an(fake: FakeApi, path: string, init: RequestInit = {}, token = ANESYA_TOKEN): Promise<Fetched> {
	return call(`${fake.urls.anesya}${path}`, { ...init, headers: { authorization: token, ...(init.headers as Record<string, string>) } });
}

export function jsonBody(value: unknown): RequestInit {
	return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

export type FormValue = string | { data: Buffer | string; filename: string; type?: string };

export function form(fields: Array<[string, FormValue]>): FormData {
	const fd = new FormData();
	for (const [name, value] of fields) {
		if (typeof value === 'string') fd.append(name, value);
		else fd.append(name, new Blob([typeof value.data === 'string' ? Buffer.from(value.data) : value.data], { type: value.type ?? 'application/octet-stream' }), value.filename);
	}
	return fd;
}

export const INVOICE_WORKFLOW = {
	name: 'Invoice Processing',
	description: 'Extract data from invoice documents',
	fields: [
		{ name: 'invoice_number', description: 'The unique invoice identifier', data_type: 'string' },
		{ name: 'issue_date', description: 'Date the invoice was issued', data_type: 'date' },
		{ name: 'total_amount', description: 'Total invoice amount including tax', data_type: 'float' },
		{ name: 'currency', description: 'Currency of the invoice', data_type: 'enum', enum_options: [{ name: 'USD', description: 'US Dollar' }, { name: 'EUR', description: 'Euro' }] },
		{ name: 'paid', description: 'Whether the invoice is paid', type: 'boolean' },
		{
			name: 'line_items',
			description: 'Invoice lines',
			data_type: 'object',
			nested_fields: [
				{ name: 'description', description: 'What was sold', data_type: 'string' },
				{ name: 'quantity', description: 'How many', data_type: 'integer' },
				{ name: 'amount', description: 'Line amount', data_type: 'float' },
			],
		},
	],
};

export const INVOICE_TEXT = [
	'ACME Corp',
	'Invoice #INV-2024-0847',
	'Issue Date: 2024-03-15',
	'Currency: USD',
	'Paid: yes',
	'',
	'Line Items:',
	'| Description | Quantity | Amount |',
	'|---|---|---|',
	'| Consulting Services | 10 | $1,000.00 |',
	'| Travel | 1 | 250.00 |',
	'',
	'Total: $1,250.00',
].join('\n');

// ---------------------------------------------------------------- webhook receiver

export interface ReceivedRequest {
	method: string;
	path: string;
	headers: IncomingHttpHeaders;
	body: string;
}

export interface Receiver extends EventEmitter {
	url: string;
	requests: ReceivedRequest[];
	/** Statuses to answer with, in order; 200 once the list is used up. */
	statuses: number[];
	close(): Promise<void>;
}

export async function startReceiver(statuses: number[] = []): Promise<Receiver> {
	const emitter = new EventEmitter();
	const requests: ReceivedRequest[] = [];
	const receiver = Object.assign(emitter, { url: '', requests, statuses: [...statuses], close: async () => undefined }) as Receiver;
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
			const status = receiver.statuses.shift() ?? 200;
			res.writeHead(status, { 'content-type': 'text/plain', connection: 'close' });
			res.end(status < 300 ? 'ok' : 'nope');
			receiver.emit('request');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
	receiver.close = () =>
		new Promise<void>((resolve) => {
			server.closeAllConnections();
			server.close(() => resolve());
		});
	return receiver;
}
