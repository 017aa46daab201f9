/** HTTP plumbing: response values, a small pattern router, body reading with a size cap. */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/** Handlers return a value instead of writing, so 'slow' and 'malformed' faults can act on the finished answer. */
export interface FakeResponse {
	status: number;
	headers: Record<string, string>;
	body?: Buffer;
}

export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): FakeResponse {
	return {
		status,
		headers: { 'content-type': 'application/json', ...headers },
		body: Buffer.from(JSON.stringify(value)),
	};
}

/** A text or binary body with an explicit Content-Type. */
export function rawResponse(status: number, body: string | Buffer, contentType: string, headers: Record<string, string> = {}): FakeResponse {
	return { status, headers: { 'content-type': contentType, ...headers }, body: Buffer.isBuffer(body) ? body : Buffer.from(body) };
}

export function emptyResponse(status: number, headers: Record<string, string> = {}): FakeResponse {
	return { status, headers: { ...headers } };
}

export function redirectResponse(location: string): FakeResponse {
	return { status: 301, headers: { location, 'content-type': 'text/html; charset=utf-8' }, body: Buffer.alloc(0) };
}

/** RFC 6266 Content-Disposition with an ASCII fallback and the UTF-8 form. */
export function attachmentHeader(fileName: string): string {
	const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
	return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

// ---------------------------------------------------------------- request context

export interface RequestInfo {
	method: string;
	/** Path inside the vendor (Anesya: without /anesya). */
	path: string;
	/** Path as received. */
	rawPath: string;
	query: URLSearchParams;
	headers: IncomingHttpHeaders;
	body: Buffer;
	/** Absolute origin the client used (from Host), for DRF-style absolute links. */
	origin: string;
}

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
	const value = headers[name.toLowerCase()];
	if (Array.isArray(value)) return value[0];
	return value;
}

export function queryObject(query: URLSearchParams): Record<string, string | string[]> {
	const out: Record<string, string | string[]> = {};
	for (const [key, value] of query) {
		const prev = out[key];
		if (prev === undefined) out[key] = value;
		else if (Array.isArray(prev)) prev.push(value);
		else out[key] = [prev, value];
	}
	return out;
}

// ---------------------------------------------------------------- router

export interface Route<H, M> {
	method: string;
	pattern: string;
	regex: RegExp;
	keys: string[];
	handler: H;
	meta: M;
}

export type RouteMatch<H, M> =
	| { kind: 'match'; route: Route<H, M>; params: Record<string, string> }
	| { kind: 'method-not-allowed'; allowed: string[]; pattern: string }
	| { kind: 'none' };

/** Route metadata routeFor() needs: does the route submit billable work. */
export interface SubmissionMeta {
	submission: boolean;
}

export interface RouteLabel {
	route: string;
	submission: boolean;
}

export class Router<H, M> {
	private readonly routes: Array<Route<H, M>> = [];

	add(method: string, pattern: string, handler: H, meta: M): this {
		const keys: string[] = [];
		const source = pattern
			.split(/(\{[a-z_]+\})/i)
			.map((part) => {
				const key = /^\{([a-z_]+)\}$/i.exec(part);
				if (key) {
					keys.push(key[1]);
					return '([^/]+)';
				}
				return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
			})
			.join('');
		this.routes.push({ method, pattern, regex: new RegExp(`^${source}$`), keys, handler, meta });
		return this;
	}

	match(method: string, path: string): RouteMatch<H, M> {
		const allowed: string[] = [];
		let pattern = '';
		for (const route of this.routes) {
			const m = route.regex.exec(path);
			if (!m) continue;
			if (route.method !== method) {
				allowed.push(route.method);
				pattern = route.pattern;
				continue;
			}
			const params: Record<string, string> = {};
			route.keys.forEach((key, i) => {
				params[key] = safeDecode(m[i + 1]);
			});
			return { kind: 'match', route, params };
		}
		return allowed.length ? { kind: 'method-not-allowed', allowed, pattern } : { kind: 'none' };
	}

	/**
	 * The request log's route label ("POST /anesya/extract/") and whether the route submits work; empty when nothing
	 * matches. `prefix` is the vendor's mount point, which the patterns leave out.
	 */
	routeFor<T extends SubmissionMeta>(this: Router<H, T>, method: string, path: string, prefix = ''): RouteLabel {
		const m = this.match(method, path);
		return m.kind === 'match' ? { route: `${method} ${prefix}${m.route.pattern}`, submission: m.route.meta.submission } : { route: '', submission: false };
	}

	/** True when some route (any method) matches the path; used to decide trailing-slash redirects. */
	hasPath(path: string): boolean {
		return this.routes.some((r) => r.regex.test(path));
	}
}

function safeDecode(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}

// ---------------------------------------------------------------- body

export interface BodyResult {
	body: Buffer;
	bytes: number;
	tooLarge: boolean;
}

/**
 * Reads the whole body. Past maxBytes it keeps draining (so the client can read our 413) without storing;
 * past 4 × maxBytes it gives up and destroys the socket.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let bytes = 0;
		let tooLarge = false;
		req.on('data', (chunk: Buffer) => {
			bytes += chunk.length;
			if (bytes > maxBytes) {
				tooLarge = true;
				chunks.length = 0;
				if (bytes > maxBytes * 4) req.socket.destroy();
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => resolve({ body: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks, bytes), bytes, tooLarge }));
		req.on('error', reject);
		req.on('close', () => {
			if (!req.complete) reject(new Error('request aborted'));
		});
	});
}

/** Parses a JSON body; undefined for an empty body, throws SyntaxError on bad JSON. */
export function parseJsonBody(body: Buffer): unknown {
	if (body.length === 0) return undefined;
	return JSON.parse(body.toString('utf8'));
}

/** Integer query param: undefined when absent, NaN when not a whole number. */
export function intParam(query: URLSearchParams, name: string): number | undefined {
	const raw = query.get(name);
	if (raw === null || raw === '') return undefined;
	return /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
}
