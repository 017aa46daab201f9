/** anyformat's unauthenticated routes: health checks, the OpenAPI document, the Swagger page. */
import { jsonResponse, Router, rawResponse, type FakeResponse } from './http';

type Handler = () => FakeResponse;

const PATHS = [
	'/health/',
	'/v2/webhooks/',
	'/v2/webhooks/{webhook_id}/',
	'/v2/files/{collection_id}/',
	'/v2/workflows/',
	'/v2/workflows/{workflow_id}/',
	'/v2/workflows/{workflow_id}/files/',
	'/v2/workflows/{workflow_id}/files/{collection_id}/results/',
	'/v2/workflows/{workflow_id}/files/{file_id}/run/',
	'/v2/workflows/{workflow_id}/runs/',
	'/v2/workflows/{workflow_id}/run/',
	'/v2/workflows/{workflow_id}/upload/',
];

export class AnyformatPublicApi {
	private readonly router = new Router<Handler, null>()
		.add('GET', '/', () => jsonResponse(200, { message: 'ok' }), null)
		.add('GET', '/health/', () => jsonResponse(200, { message: 'ok' }), null)
		// A stub of the OpenAPI document: the real one is far larger; this lists the paths so tooling can probe it.
		.add(
			'GET',
			'/schema/',
			() =>
				jsonResponse(200, {
					openapi: '3.1.0',
					info: { title: 'AnyFormat API', version: '2.0.0', description: 'Fake anyformat API for tests.' },
					servers: [{ url: 'https://api.anyformat.ai', description: 'API server' }],
					paths: Object.fromEntries(PATHS.map((p) => [p, {}])),
				}),
			null,
		)
		.add('GET', '/docs/', () => rawResponse(200, '<!doctype html><title>AnyFormat API (fake)</title><p>Swagger UI is not served by the fake.</p>', 'text/html; charset=utf-8'), null);

	routeFor(method: string, path: string): string {
		const m = this.router.match(method, path);
		return m.kind === 'match' ? `${method} ${m.route.pattern}` : '';
	}

	hasPath(path: string): boolean {
		return this.router.hasPath(path);
	}

	/** undefined when no public route matches. */
	handle(method: string, path: string): FakeResponse | undefined {
		const m = this.router.match(method, path);
		if (m.kind === 'match') return m.route.handler();
		if (m.kind === 'method-not-allowed') return jsonResponse(405, { detail: `Method "${method}" not allowed.` }, { allow: m.allowed.join(', ') });
		return undefined;
	}
}
