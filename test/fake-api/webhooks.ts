/**
 * Outgoing webhook deliveries: POST with retries on non-2xx/network errors (same message id every time),
 * manual redelivery, and a record of every attempt. Also Standard-Webhooks signing for anyformat.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { UnknownResourceError } from './errors';
import { randomHex, type Clock } from './ids';
import { trackedDelay } from './lifecycle';
import type { DeliveryAttempt, DeliveryRecord, WebhookRetryOptions } from './types';

export interface DeliveryRequest {
	vendor: DeliveryRecord['vendor'];
	webhookId: string;
	url: string;
	event: string;
	payload: unknown;
	/** Extra headers per attempt (signatures depend on the attempt's timestamp). */
	headersFor?: (messageId: string, timestampSeconds: number, body: string) => Record<string, string>;
}

export interface WebhookSenderHost {
	clock: Clock;
	retry: () => WebhookRetryOptions;
	timeoutMs: () => number;
	userAgent: string;
	onChange: (record: DeliveryRecord) => void;
}

const RESPONSE_BODY_LIMIT = 500;

export class WebhookSender {
	readonly records: DeliveryRecord[] = [];
	private readonly requests = new Map<string, DeliveryRequest>();
	private readonly timers = new Set<NodeJS.Timeout>();
	private readonly controllers = new Set<AbortController>();
	private counter = 0;
	/** Bumped by clear()/close(): runs started under an older generation stop at their next step. */
	private generation = 0;

	constructor(private readonly host: WebhookSenderHost) {}

	send(request: DeliveryRequest): DeliveryRecord {
		const body = JSON.stringify(request.payload);
		const record: DeliveryRecord = {
			id: `dlv_${request.vendor === 'anyformat' ? 'af' : 'an'}_${++this.counter}`,
			vendor: request.vendor,
			webhookId: request.webhookId,
			messageId: `msg_${randomHex(12)}`,
			url: request.url,
			event: request.event,
			payload: request.payload,
			body,
			attempts: [],
			state: 'pending',
			createdAt: this.host.clock(),
		};
		this.records.push(record);
		this.requests.set(record.id, request);
		void this.run(record, false);
		return record;
	}

	/** Sends the same delivery again (same body, same webhook-id), with the normal retry policy. */
	redeliver(id: string): DeliveryRecord {
		const record = this.records.find((r) => r.id === id);
		if (!record) throw new UnknownResourceError(`unknown delivery "${id}"`);
		record.state = 'pending';
		void this.run(record, true);
		return record;
	}

	private async run(record: DeliveryRecord, redelivery: boolean): Promise<void> {
		const generation = this.generation;
		const policy = this.host.retry();
		const attempts = Math.max(1, policy.attempts);
		for (let n = 0; n < attempts; n++) {
			if (n > 0) await trackedDelay(this.timers, policy.delayMs * 2 ** (n - 1));
			if (generation !== this.generation) return;
			const ok = await this.attempt(record, redelivery);
			if (generation !== this.generation) return;
			if (ok) {
				record.state = 'delivered';
				this.host.onChange(record);
				return;
			}
			if (n === attempts - 1) record.state = 'failed';
			this.host.onChange(record);
		}
	}

	private async attempt(record: DeliveryRecord, redelivery: boolean): Promise<boolean> {
		const request = this.requests.get(record.id)!;
		const at = this.host.clock();
		const started = Date.now();
		const timestamp = Math.floor(at / 1000);
		const headers: Record<string, string> = {
			'content-type': 'application/json',
			'user-agent': this.host.userAgent,
			...(request.headersFor?.(record.messageId, timestamp, record.body) ?? {}),
		};
		const controller = new AbortController();
		this.controllers.add(controller);
		const timer = setTimeout(() => controller.abort(new Error('timeout')), this.host.timeoutMs());
		const result: DeliveryAttempt = { at, durationMs: 0, redelivery };
		try {
			const response = await fetch(record.url, { method: 'POST', headers, body: record.body, signal: controller.signal });
			result.status = response.status;
			const text = await response.text();
			result.responseBody = text.length > RESPONSE_BODY_LIMIT ? `${text.slice(0, RESPONSE_BODY_LIMIT)}…` : text;
		} catch (error) {
			const cause = (error as { cause?: { code?: string; message?: string } }).cause;
			result.error = controller.signal.aborted ? 'timeout' : (cause?.code ?? cause?.message ?? (error as Error).message);
		} finally {
			clearTimeout(timer);
			this.controllers.delete(controller);
		}
		result.durationMs = Date.now() - started;
		record.attempts.push(result);
		return result.status !== undefined && result.status >= 200 && result.status < 300;
	}

	/** Drops the records (state reset) but lets nothing in flight write into the new state. */
	clear(): void {
		this.cancelInFlight();
		this.records.length = 0;
		this.requests.clear();
	}

	close(): void {
		this.cancelInFlight();
	}

	private cancelInFlight(): void {
		this.generation++;
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		for (const controller of this.controllers) controller.abort(new Error('fake API closing'));
		this.controllers.clear();
	}
}

// ---------------------------------------------------------------- Standard Webhooks

export function standardWebhookHeaders(secret: string, messageId: string, timestampSeconds: number, body: string): Record<string, string> {
	return {
		'webhook-id': messageId,
		'webhook-timestamp': String(timestampSeconds),
		'webhook-signature': `v1,${standardWebhookSignature(secret, messageId, timestampSeconds, body)}`,
	};
}

/** base64(HMAC-SHA256(key = base64-decode(secret without "whsec_"), "{id}.{timestamp}.{body}")) */
export function standardWebhookSignature(secret: string, messageId: string, timestampSeconds: number, body: string): string {
	const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
	return createHmac('sha256', key).update(`${messageId}.${timestampSeconds}.${body}`).digest('base64');
}

/** Verifier for receivers (used by the demo and tests): true when any v1 signature in the header matches. */
export function verifyStandardWebhook(secret: string, headers: Record<string, string | undefined>, body: string): boolean {
	const id = headers['webhook-id'];
	const timestamp = headers['webhook-timestamp'];
	const signatures = headers['webhook-signature'];
	if (!id || !timestamp || !signatures) return false;
	const expected = Buffer.from(standardWebhookSignature(secret, id, Number(timestamp), body));
	return signatures.split(' ').some((entry) => {
		const [version, sig] = entry.split(',');
		const candidate = Buffer.from(sig ?? '');
		return version === 'v1' && candidate.length === expected.length && timingSafeEqual(candidate, expected);
	});
}
