/**
 * The fake server: one node:http server hosting anyformat (root), Anesya (/anesya) and the control API (/_fake).
 * Per request: log entry → body → error faults (before any processing) → sweep due jobs → vendor handler →
 * 'malformed'/'slow' faults → response.
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { AnesyaApi, ANESYA_PREFIX } from './anesya';
import { AnesyaFake } from './anesya-state';
import { AnesyaV0Api } from './anesya-v0';
import { AnesyaV0Fake } from './anesya-v0-state';
import { v1Error, v2Error, NOT_FOUND_DETAIL } from './anyformat-errors';
import { AnyformatPublicApi } from './anyformat-public';
import { AnyformatFake } from './anyformat-state';
import { AnyformatV1Api } from './anyformat-v1';
import { API_VERSION, AnyformatV2Api } from './anyformat-v2';
import { handleControl } from './control';
import { DEFAULT_SLOW_MS, FaultEngine, faultResponse, isErrorKind, malformedResponse, type FaultDecision } from './faults';
import type { FakeHost } from './host';
import { header, jsonResponse, queryObject, readBody, redirectResponse, type FakeResponse, type RequestInfo } from './http';
import { systemClock, type Clock } from './ids';
import { CompletionScheduler, trackedDelay } from './lifecycle';
import { defaultOptions, mergeOptions, type ResolvedOptions } from './options';
import { FixedWindowLimiter } from './rate-limit';
import type { AuthScheme, DeliveryRecord, FakeApiOptions, FaultRule, JobReadyEvent, RequestLogEntry, Vendor } from './types';

/** Bodies above this are refused with 413 (the largest legal upload is 20 MB plus multipart overhead). */
export const MAX_BODY_BYTES = 25 * 1024 * 1024;

export interface WaitForOptions {
	timeoutMs?: number;
	/** Event that triggers re-evaluation (default 'change', which follows every other event). */
	event?: string;
}

interface Waiter {
	reject: (error: Error) => void;
}

export class FakeApiServer extends EventEmitter {
	readonly log: RequestLogEntry[] = [];
	readonly anyformat: AnyformatFake;
	readonly anesya: AnesyaFake;
	readonly anesyaV0: AnesyaV0Fake;
	url = '';
	urls = { anyformat: '', anesya: '', storage: '' };
	port = 0;

	private currentOptions: ResolvedOptions;
	private readonly server: Server;
	/** The storage host Anesya v0 downloads redirect to: another port, so another origin. */
	private readonly storage: Server;
	private readonly sockets = new Set<Socket>();
	private readonly slowTimers = new Set<NodeJS.Timeout>();
	private readonly waiters = new Set<Waiter>();
	private readonly clock: Clock;
	private readonly faults: FaultEngine;
	private readonly limiter: FixedWindowLimiter;
	private readonly scheduler: CompletionScheduler;
	private readonly v2: AnyformatV2Api;
	private readonly v1: AnyformatV1Api;
	private readonly publicApi = new AnyformatPublicApi();
	private readonly anesyaApi: AnesyaApi;
	private readonly anesyaV0Api: AnesyaV0Api;
	private seq = 0;
	private closed = false;

	constructor(options: FakeApiOptions = {}) {
		super();
		this.setMaxListeners(0); // many concurrent waitFor() calls are normal
		this.currentOptions = mergeOptions(defaultOptions(), options);
		this.clock = options.clock ?? systemClock;
		this.faults = new FaultEngine(this.currentOptions.faults);
		this.limiter = new FixedWindowLimiter(this.clock);
		this.scheduler = new CompletionScheduler(this.clock);
		// eslint-disable-next-line @typescript-eslint/no-this-alias
		const self = this; // the host's options getter must always read the current options
		const host: FakeHost = {
			clock: this.clock,
			get options() {
				return self.currentOptions;
			},
			scheduler: this.scheduler,
			limiter: this.limiter,
			emitJobReady: (event: JobReadyEvent) => this.emitEvent('job:ready', event),
			emitDelivery: (record: DeliveryRecord) => this.emitEvent('delivery', record),
			emitChange: () => this.emitEvent('change'),
		};
		this.anyformat = new AnyformatFake(host);
		this.anesya = new AnesyaFake(host);
		this.v2 = new AnyformatV2Api(host, this.anyformat);
		this.v1 = new AnyformatV1Api(host, this.anyformat);
		this.anesyaApi = new AnesyaApi(host, this.anesya);
		this.anesyaV0 = new AnesyaV0Fake(host, this.anesya);
		this.anesyaV0Api = new AnesyaV0Api(host, this.anesya, this.anesyaV0, () => this.urls.storage);
		this.server = createServer((req, res) => {
			this.onRequest(req, res).catch((error: unknown) => this.onInternalError(res, error));
		});
		this.storage = createServer((req, res) => {
			this.onStorageRequest(req, res).catch((error: unknown) => this.onInternalError(res, error));
		});
		for (const server of [this.server, this.storage]) {
			server.on('connection', (socket) => {
				this.sockets.add(socket);
				socket.on('close', () => this.sockets.delete(socket));
			});
		}
		this.applySeed();
	}

	get options(): ResolvedOptions {
		return this.currentOptions;
	}

	async listen(): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(this.currentOptions.port, this.currentOptions.host, () => {
				this.server.off('error', reject);
				resolve();
			});
		});
		await new Promise<void>((resolve, reject) => {
			this.storage.once('error', reject);
			this.storage.listen(0, this.currentOptions.host, () => {
				this.storage.off('error', reject);
				resolve();
			});
		});
		const address = this.server.address() as AddressInfo;
		this.port = address.port;
		const host = this.currentOptions.host === '0.0.0.0' || this.currentOptions.host === '::' ? '127.0.0.1' : this.currentOptions.host;
		const origin = (port: number) => `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
		this.url = origin(this.port);
		this.urls = { anyformat: this.url, anesya: `${this.url}${ANESYA_PREFIX}`, storage: origin((this.storage.address() as AddressInfo).port) };
	}

	// ------------------------------------------------------------ public controls

	configure(partial: Partial<FakeApiOptions>): void {
		const before = this.currentOptions;
		this.currentOptions = mergeOptions(before, partial);
		if (partial.faults) this.faults.configure(partial.faults);
		if (partial.anyformat?.rateLimits !== undefined || partial.anesya?.rateLimits !== undefined) this.limiter.reset();
		this.emitEvent('change');
	}

	injectFault(rule: FaultRule): void {
		this.faults.addRule(rule);
	}

	/** Drops targeted rules and turns random faults off (rate 0). */
	clearFaults(): void {
		this.faults.clearRules();
		this.currentOptions = mergeOptions(this.currentOptions, { faults: { rate: 0 } });
		this.faults.configure({ rate: 0 });
	}

	get faultState(): { options: Record<string, unknown>; rules: Array<Record<string, unknown>> } {
		const { match, ...options } = this.faults.current;
		return {
			options: { ...options, match: match ? 'function' : undefined },
			rules: this.faults.pendingRules.map((r) => ({ ...r, path: r.path instanceof RegExp ? r.path.toString() : r.path })),
		};
	}

	clearLog(): void {
		this.log.length = 0;
	}

	/** Empty state and log; keeps keys and options, re-applies the seed data, restarts the fault sequence. */
	reset(): void {
		this.scheduler.cancelAll();
		this.anyformat.reset();
		this.anesya.reset();
		this.anesyaV0.reset();
		this.faults.restart();
		this.limiter.reset();
		this.log.length = 0;
		this.seq = 0;
		this.applySeed();
		this.emitEvent('change');
	}

	/** Finalises jobs that are due on the (possibly custom) clock; requests do this implicitly. */
	tick(): void {
		this.anyformat.sweep();
		this.anesya.sweep();
		this.anesyaV0.sweep();
	}

	/**
	 * Resolves with the first truthy value of `check`, re-evaluated now and on every emitted event;
	 * rejects after timeoutMs (default 5000) with the condition in the message.
	 */
	waitFor<T>(check: () => T | undefined | false | null, opts: WaitForOptions = {}): Promise<T> {
		const timeoutMs = opts.timeoutMs ?? 5000;
		const event = opts.event ?? 'change';
		return new Promise<T>((resolve, reject) => {
			let settled = false;
			const waiter: Waiter = { reject: (error) => finish(() => reject(error)) };
			const finish = (action: () => void) => {
				if (settled) return;
				settled = true;
				clearTimeout(timer);
				this.off(event, evaluate);
				this.waiters.delete(waiter);
				action();
			};
			const evaluate = () => {
				try {
					const value = check();
					if (value) finish(() => resolve(value));
				} catch (error) {
					finish(() => reject(error));
				}
			};
			const timer = setTimeout(() => {
				evaluate();
				const condition = check.toString().replace(/\s+/g, ' ').slice(0, 160);
				finish(() => reject(new Error(`waitFor timed out after ${timeoutMs} ms (re-evaluated on "${event}" events); condition: ${condition}`)));
			}, timeoutMs);
			this.waiters.add(waiter);
			this.on(event, evaluate);
			evaluate();
		});
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		for (const waiter of [...this.waiters]) waiter.reject(new Error('fake API closed while waiting'));
		this.scheduler.cancelAll();
		for (const timer of this.slowTimers) clearTimeout(timer);
		this.slowTimers.clear();
		this.anyformat.close();
		this.anesya.close();
		this.anesyaV0.close();
		const closed = [this.server, this.storage].map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
		this.server.closeAllConnections();
		this.storage.closeAllConnections();
		for (const socket of this.sockets) socket.destroy();
		await Promise.all(closed);
	}

	// ------------------------------------------------------------ request pipeline

	private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://fake.invalid');
		const method = (req.method ?? 'GET').toUpperCase();
		const vendor = classify(url.pathname);
		const origin = `http://${header(req.headers, 'host') ?? `127.0.0.1:${this.port}`}`;

		if (vendor === 'control') {
			const body = await readBody(req, MAX_BODY_BYTES);
			this.tick();
			const info: RequestInfo = { method, path: url.pathname, rawPath: url.pathname, query: url.searchParams, headers: req.headers, body: body.body, origin };
			this.write(res, handleControl(this, info), undefined);
			return;
		}

		const entry: RequestLogEntry = {
			seq: ++this.seq,
			at: this.clock(),
			vendor,
			method,
			path: url.pathname,
			query: queryObject(url.searchParams),
			route: '',
			status: 0,
			auth: { scheme: detectScheme(vendor, req.headers), valid: false },
			submission: false,
			bodyBytes: 0,
		};
		const userAgent = header(req.headers, 'user-agent');
		if (userAgent) entry.userAgent = userAgent;
		this.log.push(entry);
		if (this.log.length > this.currentOptions.maxLogEntries) this.log.splice(0, this.log.length - this.currentOptions.maxLogEntries);

		let body;
		try {
			body = await readBody(req, MAX_BODY_BYTES);
		} catch {
			entry.endAt = this.clock();
			this.emitEvent('request', entry);
			return; // client went away
		}
		entry.bodyBytes = body.bytes;
		const innerPath = vendor === 'anesya' ? url.pathname.slice(ANESYA_PREFIX.length) || '/' : url.pathname;
		const routed = this.routeFor(vendor, method, innerPath);
		entry.route = routed.route;
		entry.submission = routed.submission;

		const fault = this.faults.decide({ method, path: url.pathname, vendor, route: entry.route });
		if (fault && isErrorKind(fault.kind)) {
			this.applyErrorFault(fault, vendor, req, res, entry);
			return;
		}

		let response: FakeResponse;
		if (body.tooLarge) {
			response = tooLarge(vendor);
			response.headers.connection = 'close';
		} else {
			this.tick();
			const info: RequestInfo = { method, path: innerPath, rawPath: url.pathname, query: url.searchParams, headers: req.headers, body: body.body, origin };
			response = this.dispatch(vendor, info, entry);
		}
		if (isAnyformat(vendor)) response.headers['x-api-version'] = API_VERSION;
		if (fault?.kind === 'malformed') {
			entry.fault = 'malformed';
			response = malformedResponse(response);
		}
		if (fault?.kind === 'slow') {
			entry.fault = 'slow';
			await trackedDelay(this.slowTimers, fault.slowMs ?? DEFAULT_SLOW_MS);
			if (this.closed) return;
		}
		if (fault?.kind.startsWith('acted-')) {
			this.loseAnswer(fault, vendor, req, res, response, entry);
			return;
		}
		this.write(res, response, entry);
	}

	/** The request took effect; now its answer is lost on the way back (see FaultKind 'acted-*'). */
	private loseAnswer(fault: FaultDecision, vendor: Vendor, req: IncomingMessage, res: ServerResponse, processed: FakeResponse, entry: RequestLogEntry): void {
		entry.fault = fault.kind;
		entry.actedStatus = processed.status;
		if (fault.kind === 'acted-reset') {
			req.socket.destroy();
			entry.endAt = this.clock();
			this.emitEvent('request', entry);
			return;
		}
		if (fault.kind === 'acted-truncated') {
			// Headers promise the whole body; half of it arrives, then the connection drops.
			res.statusCode = processed.status;
			for (const [name, value] of Object.entries(processed.headers)) res.setHeader(name, value);
			const body = processed.body ?? Buffer.alloc(0);
			res.setHeader('content-length', String(body.length));
			res.flushHeaders();
			res.write(body.subarray(0, Math.floor(body.length / 2)), () => req.socket.destroy());
			entry.status = processed.status;
			entry.endAt = this.clock();
			this.emitEvent('request', entry);
			return;
		}
		const gateway = faultResponse(fault.kind === 'acted-502' ? '502' : '504', vendor, fault.retryAfterSeconds);
		this.write(res, gateway, entry);
	}

	/**
	 * The storage host behind Anesya v0 downloads: GET /storage/{id}/{name}?expires&signature serves the file. Like
	 * an object store's pre-signed URL it wants no other credentials: a request carrying X-API-Key or Authorization
	 * is refused, which proves a client does not forward the Anesya key. Logged (vendor 'storage'), never faulted.
	 */
	private async onStorageRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://fake.invalid');
		const method = (req.method ?? 'GET').toUpperCase();
		const entry: RequestLogEntry = {
			seq: ++this.seq,
			at: this.clock(),
			vendor: 'storage',
			method,
			path: url.pathname,
			query: queryObject(url.searchParams),
			route: '',
			status: 0,
			auth: { scheme: detectScheme('storage', req.headers), valid: false },
			submission: false,
			bodyBytes: 0,
		};
		this.log.push(entry);
		await readBody(req, MAX_BODY_BYTES).catch(() => undefined);
		const xml = (status: number, code: string, message: string): FakeResponse => ({
			status,
			headers: { 'content-type': 'application/xml' },
			body: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`),
		});
		const match = /^\/storage\/([^/]+)\/[^/]+$/.exec(url.pathname);
		let response: FakeResponse;
		if (!match || method !== 'GET') {
			response = xml(404, 'NoSuchKey', 'The specified key does not exist.');
		} else {
			entry.route = 'GET /storage/{id}/{name}';
			entry.jobIds = [match[1]];
			if (entry.auth.scheme !== 'none') {
				response = xml(400, 'InvalidArgument', 'Only one auth mechanism allowed: this pre-signed URL must be requested without Authorization or X-API-Key headers.');
			} else {
				const link = this.anesyaV0.resolveLink(match[1], url.searchParams);
				entry.auth.valid = 'record' in link;
				response =
					'record' in link
						? { status: 200, headers: { 'content-type': link.record.document.contentType }, body: link.record.document.bytes }
						: xml(403, 'AccessDenied', link.refused);
			}
		}
		this.write(res, response, entry);
	}

	private routeFor(vendor: Vendor, method: string, path: string): { route: string; submission: boolean } {
		switch (vendor) {
			case 'anyformat-v2':
				return this.v2.routeFor(method, path);
			case 'anyformat-v1':
				return this.v1.routeFor(method, path);
			case 'anesya':
				return AnesyaV0Api.owns(path) ? this.anesyaV0Api.routeFor(method, path, ANESYA_PREFIX) : this.anesyaApi.routeFor(method, path);
			case 'public':
				return { route: this.publicApi.routeFor(method, path), submission: false };
			default:
				return { route: '', submission: false };
		}
	}

	private dispatch(vendor: Vendor, info: RequestInfo, entry: RequestLogEntry): FakeResponse {
		if (vendor === 'anesya') return AnesyaV0Api.owns(info.path) ? this.anesyaV0Api.handle(info, entry) : this.anesyaApi.handle(info, entry);
		// anyformat: "Requests without [a trailing slash] receive a 301 Moved Permanently redirect".
		if (!info.path.endsWith('/')) {
			const slashed = `${info.path}/`;
			if (this.v2.hasPath(slashed) || this.v1.hasPath(slashed) || this.publicApi.hasPath(slashed)) {
				const search = info.query.toString();
				return redirectResponse(`${slashed}${search ? `?${search}` : ''}`);
			}
		}
		if (vendor === 'anyformat-v2') return this.v2.handle(info, entry);
		if (vendor === 'anyformat-v1') return this.v1.handle(info, entry);
		const publicResponse = this.publicApi.handle(info.method, info.path);
		return publicResponse ?? v2Error(404, 'NOT_FOUND', NOT_FOUND_DETAIL);
	}

	private applyErrorFault(fault: FaultDecision, vendor: Vendor, req: IncomingMessage, res: ServerResponse, entry: RequestLogEntry): void {
		entry.fault = fault.kind;
		if (fault.kind === 'reset') {
			req.socket.destroy();
			entry.endAt = this.clock();
			this.emitEvent('request', entry);
			return;
		}
		if (fault.kind === 'hang') {
			// Never answered; close() destroys the socket.
			this.emitEvent('request', entry);
			return;
		}
		const response = faultResponse(fault.kind as '429' | '500' | '502' | '503' | '504', vendor, fault.retryAfterSeconds);
		if (isAnyformat(vendor) && response.headers['content-type'] === 'application/json') response.headers['x-api-version'] = API_VERSION;
		this.write(res, response, entry);
	}

	private write(res: ServerResponse, response: FakeResponse, entry: RequestLogEntry | undefined): void {
		if (res.writableEnded || res.destroyed) {
			// The client went away (e.g. its own timeout during a 'slow' fault): the entry ends unanswered.
			if (entry) {
				entry.endAt = this.clock();
				this.emitEvent('request', entry);
			}
			return;
		}
		res.statusCode = response.status;
		for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
		const noBody = response.status === 204 || response.status === 304;
		if (!noBody) res.setHeader('content-length', String(response.body?.length ?? 0));
		res.end(noBody ? undefined : response.body);
		if (entry) {
			entry.status = response.status;
			entry.endAt = this.clock();
			this.emitEvent('request', entry);
		}
	}

	private onInternalError(res: ServerResponse, error: unknown): void {
		// A bug in the fake: answer 500 with the message so the failing test shows it.
		const message = error instanceof Error ? error.stack ?? error.message : String(error);
		if (!res.headersSent && !res.destroyed) {
			res.statusCode = 500;
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify({ error: 'Fake API internal error', detail: message }));
		}
	}

	private emitEvent(event: string, payload?: unknown): void {
		this.emit(event, payload);
		if (event !== 'change') this.emit('change');
	}

	private applySeed(): void {
		const seed = this.currentOptions.seed;
		if (!seed) return;
		for (const w of seed.anyformat?.workflows ?? []) this.anyformat.createWorkflow(w);
		for (const s of seed.anesya?.schemas ?? []) this.anesya.createSchema(s);
		for (const w of seed.anesya?.workflows ?? []) this.anesya.createWorkflow(w);
		if (seed.anesya?.webhooks) this.anesya.setDashboardWebhooks(seed.anesya.webhooks);
	}
}

function classify(path: string): Vendor {
	if (path === '/_fake' || path.startsWith('/_fake/')) return 'control';
	if (path === ANESYA_PREFIX || path.startsWith(`${ANESYA_PREFIX}/`)) return 'anesya';
	if (path.startsWith('/v2/') || path === '/v2') return 'anyformat-v2';
	if (/^\/(workflows|jobs)(\/|$)/.test(path)) return 'anyformat-v1';
	if (/^\/(health|schema|docs)?\/?$/.test(path)) return 'public';
	return 'unknown';
}

function isAnyformat(vendor: Vendor): boolean {
	return vendor === 'anyformat-v2' || vendor === 'anyformat-v1' || vendor === 'public' || vendor === 'unknown';
}

/** The scheme the request carries, as relevant for the vendor (handlers refine validity). */
function detectScheme(vendor: Vendor, headers: IncomingMessage['headers']): AuthScheme {
	const authorization = header(headers, 'authorization');
	const apiKey = header(headers, 'x-api-key');
	if (vendor === 'anyformat-v1' && apiKey !== undefined) return 'x-api-key';
	if (authorization !== undefined) return /^bearer(\s|$)/i.test(authorization.trim()) ? 'bearer' : 'raw';
	if (apiKey !== undefined) return 'x-api-key';
	return 'none';
}

function tooLarge(vendor: Vendor): FakeResponse {
	const detail = `Request body exceeds the ${MAX_BODY_BYTES / 1024 / 1024} MB limit.`;
	if (vendor === 'anesya') return jsonResponse(413, { detail });
	if (vendor === 'anyformat-v1') return v1Error(413, 'PAYLOAD_TOO_LARGE', detail);
	return v2Error(413, 'PAYLOAD_TOO_LARGE', detail);
}
