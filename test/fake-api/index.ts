/**
 * Fake anyformat (v2 + legacy v1) and Anesya (0.8.1 + v0) APIs for tests, e2e runs, the benchmark and the demo.
 *
 *   const fake = await startFakeApi({ anyformat: { latencyMs: 50 } });
 *   // fake.urls.anyformat → http://127.0.0.1:<port>, fake.urls.anesya → http://127.0.0.1:<port>/anesya (v0 below /v0)
 *   await fake.close();
 */
import type { EventEmitter } from 'node:events';
import type { AnesyaFake } from './anesya-state';
import type { AnesyaV0Fake } from './anesya-v0-state';
import type { AnyformatFake } from './anyformat-state';
import type { ResolvedOptions } from './options';
import { FakeApiServer, type WaitForOptions } from './server';
import type { FakeApiOptions, FaultRule, RequestLogEntry } from './types';

export interface FakeApi extends EventEmitter {
	/** http://127.0.0.1:<port> */
	url: string;
	/** anyformat at the root, Anesya under /anesya (v0 under /anesya/v0), the v0 download storage on its own port. */
	urls: { anyformat: string; anesya: string; storage: string };
	port: number;
	/** Every non-control request, in arrival order (control requests are not logged). */
	log: RequestLogEntry[];
	anyformat: AnyformatFake;
	anesya: AnesyaFake;
	/** Anesya v0: documents, parsings, extracts, v0 webhooks (schemas and credits are `anesya`'s: one account). */
	anesyaV0: AnesyaV0Fake;
	readonly options: ResolvedOptions;
	/** Changes latency, rate limits, faults, keys… at run time (latency applies to jobs started afterwards). */
	configure(partial: Partial<FakeApiOptions>): void;
	injectFault(rule: FaultRule): void;
	/** Removes targeted fault rules and sets the random fault rate to 0. */
	clearFaults(): void;
	clearLog(): void;
	/** Empty state + log; keeps keys/options, re-applies seed data. */
	reset(): void;
	/** Finalises jobs that are due; only needed after moving a custom clock without sending a request. */
	tick(): void;
	/** Resolves with the first truthy value of check, re-evaluated on every event; rejects on timeout. */
	waitFor<T>(check: () => T | undefined | false | null, opts?: WaitForOptions): Promise<T>;
	/** Stops the server, cancels timers and deliveries, closes keep-alive sockets. */
	close(): Promise<void>;
}

export async function startFakeApi(options: FakeApiOptions = {}): Promise<FakeApi> {
	const server = new FakeApiServer(options);
	await server.listen();
	return server;
}

export type { WaitForOptions } from './server';
export type { AnyformatFake } from './anyformat-state';
export type { AnesyaFake } from './anesya-state';
export type { AnesyaV0Fake, V0Webhook, V0Event } from './anesya-v0-state';
export { FAIL_EXTRACTION, FAIL_PAGE, FAIL_PARSING, V0_EVENTS } from './anesya-v0-state';
export type { ResolvedOptions } from './options';
export * from './types';
export { buildTextPdf } from './pdf';
export { documentFromFile, documentFromText, pdfText } from './documents';
export { extractFields, extractForJsonSchema } from './extractor';
export { standardWebhookHeaders, standardWebhookSignature, verifyStandardWebhook } from './webhooks';
export { DEFAULT_ANESYA_TOKEN, DEFAULT_ANESYA_V0_KEY, DEFAULT_ANYFORMAT_KEY, REAL_ANYFORMAT_RATE_LIMITS } from './options';
export { WorkflowValidationError } from './anyformat-fields';
export { UnknownResourceError } from './errors';
