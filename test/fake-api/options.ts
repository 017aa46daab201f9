/** Defaults and merging of FakeApiOptions (configure() merges a partial into the current options). */
import type {
	AnesyaOptions,
	AnesyaRateLimits,
	AnyformatOptions,
	AnyformatRateLimits,
	CustomExtractor,
	FakeApiOptions,
	FaultOptions,
	LatencySetting,
	SeedData,
	WebhookRetryOptions,
} from './types';

export interface ResolvedAnyformatOptions {
	apiKeys: string[];
	latencyMs: LatencySetting;
	rateLimits: AnyformatRateLimits | false;
	allowHttpWebhooks: boolean;
	webhookSigning: 'standard' | 'none';
	webhookRetry: WebhookRetryOptions;
	webhookTimeoutMs: number;
	listOrder: 'newest-first' | 'oldest-first';
}

export interface ResolvedAnesyaOptions {
	tokens: string[];
	expiredTokens: string[];
	acceptBearer: boolean;
	latencyMs: LatencySetting;
	credits: number;
	rateLimits: AnesyaRateLimits | false;
	webhookRetry: WebhookRetryOptions;
	webhookTimeoutMs: number;
	apiKeys: string[];
	crossGenerationKeys: boolean;
	v0WebhookSigning: 'standard' | 'hmac-sha256' | 'none';
	v0DownloadLinkTtlMs: number;
	v0ListShape: 'page' | 'array';
}

export interface ResolvedOptions {
	port: number;
	host: string;
	anyformat: ResolvedAnyformatOptions;
	anesya: ResolvedAnesyaOptions;
	faults: FaultOptions;
	extractor?: CustomExtractor;
	sidecarText: Record<string, string>;
	seed?: SeedData;
	maxLogEntries: number;
}

/** The documented production limits. */
export const REAL_ANYFORMAT_RATE_LIMITS: AnyformatRateLimits = {
	submission: { limit: 60, windowMs: 60_000 },
	general: { limit: 600, windowMs: 60_000 },
	v1Documents: { limit: 10, windowMs: 60_000 },
};

/** Short by default so tests that exercise retries stay fast; real services wait much longer. */
const DEFAULT_WEBHOOK_RETRY: WebhookRetryOptions = { attempts: 4, delayMs: 100 };

export const DEFAULT_ANESYA_CREDITS = 1_000_000;

/** The credentials the fake accepts unless told otherwise; tests import these instead of repeating them. */
export const DEFAULT_ANYFORMAT_KEY = 'af_test_key';
export const DEFAULT_ANESYA_TOKEN = 'anesya_test_token';
export const DEFAULT_ANESYA_V0_KEY = 'anesya_v0_test_key';

export function defaultOptions(): ResolvedOptions {
	return {
		port: 0,
		host: '127.0.0.1',
		anyformat: {
			apiKeys: [DEFAULT_ANYFORMAT_KEY],
			latencyMs: 300,
			rateLimits: REAL_ANYFORMAT_RATE_LIMITS,
			allowHttpWebhooks: false,
			webhookSigning: 'standard',
			webhookRetry: DEFAULT_WEBHOOK_RETRY,
			webhookTimeoutMs: 5000,
			listOrder: 'newest-first',
		},
		anesya: {
			tokens: [DEFAULT_ANESYA_TOKEN],
			expiredTokens: [],
			acceptBearer: false,
			latencyMs: 300,
			credits: DEFAULT_ANESYA_CREDITS,
			rateLimits: false,
			webhookRetry: DEFAULT_WEBHOOK_RETRY,
			webhookTimeoutMs: 5000,
			apiKeys: [DEFAULT_ANESYA_V0_KEY],
			crossGenerationKeys: false,
			v0WebhookSigning: 'standard',
			v0DownloadLinkTtlMs: 60_000,
			v0ListShape: 'page',
		},
		faults: {},
		sidecarText: {},
		maxLogEntries: 50_000,
	};
}

export function mergeOptions(current: ResolvedOptions, partial: Partial<FakeApiOptions>): ResolvedOptions {
	const next: ResolvedOptions = { ...current };
	if (partial.port !== undefined) next.port = partial.port;
	if (partial.host !== undefined) next.host = partial.host;
	if (partial.anyformat) next.anyformat = mergeAnyformat(current.anyformat, partial.anyformat);
	if (partial.anesya) next.anesya = mergeAnesya(current.anesya, partial.anesya);
	if (partial.faults) next.faults = { ...current.faults, ...partial.faults };
	if ('extractor' in partial) next.extractor = partial.extractor;
	if (partial.sidecarText) next.sidecarText = { ...current.sidecarText, ...partial.sidecarText };
	if (partial.seed) next.seed = partial.seed;
	if (partial.maxLogEntries !== undefined) next.maxLogEntries = partial.maxLogEntries;
	return next;
}

function mergeAnyformat(current: ResolvedAnyformatOptions, partial: AnyformatOptions): ResolvedAnyformatOptions {
	const next = { ...current };
	if (partial.apiKeys) next.apiKeys = [...partial.apiKeys];
	if (partial.latencyMs !== undefined) next.latencyMs = partial.latencyMs;
	if (partial.rateLimits !== undefined) {
		// A partial object fills the missing tiers from the current limits (or the real ones when off).
		next.rateLimits = partial.rateLimits === false ? false : { ...(current.rateLimits || REAL_ANYFORMAT_RATE_LIMITS), ...partial.rateLimits };
	}
	if (partial.allowHttpWebhooks !== undefined) next.allowHttpWebhooks = partial.allowHttpWebhooks;
	if (partial.webhookSigning !== undefined) next.webhookSigning = partial.webhookSigning;
	if (partial.webhookRetry) next.webhookRetry = { ...current.webhookRetry, ...partial.webhookRetry };
	if (partial.webhookTimeoutMs !== undefined) next.webhookTimeoutMs = partial.webhookTimeoutMs;
	if (partial.listOrder !== undefined) next.listOrder = partial.listOrder;
	return next;
}

function mergeAnesya(current: ResolvedAnesyaOptions, partial: AnesyaOptions): ResolvedAnesyaOptions {
	const next = { ...current };
	if (partial.tokens) next.tokens = [...partial.tokens];
	if (partial.expiredTokens) next.expiredTokens = [...partial.expiredTokens];
	if (partial.acceptBearer !== undefined) next.acceptBearer = partial.acceptBearer;
	if (partial.latencyMs !== undefined) next.latencyMs = partial.latencyMs;
	if (partial.credits !== undefined) next.credits = partial.credits;
	if (partial.rateLimits !== undefined) next.rateLimits = partial.rateLimits === false ? false : { ...(current.rateLimits || {}), ...partial.rateLimits };
	if (partial.webhookRetry) next.webhookRetry = { ...current.webhookRetry, ...partial.webhookRetry };
	if (partial.webhookTimeoutMs !== undefined) next.webhookTimeoutMs = partial.webhookTimeoutMs;
	if (partial.apiKeys) next.apiKeys = [...partial.apiKeys];
	if (partial.crossGenerationKeys !== undefined) next.crossGenerationKeys = partial.crossGenerationKeys;
	if (partial.v0WebhookSigning !== undefined) next.v0WebhookSigning = partial.v0WebhookSigning;
	if (partial.v0DownloadLinkTtlMs !== undefined) next.v0DownloadLinkTtlMs = partial.v0DownloadLinkTtlMs;
	if (partial.v0ListShape !== undefined) next.v0ListShape = partial.v0ListShape;
	return next;
}
