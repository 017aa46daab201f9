import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface SeenRequest {
	at: number;
	method: string;
	url: string;
	headers: IncomingMessage['headers'];
	body: Buffer;
}

export type Handler = (req: SeenRequest, res: ServerResponse, socket: Socket) => void;

/** A loopback HTTP server whose answers the test scripts, recording every request (on `port`, default: a free one). */
export async function startScriptedServer(handler: Handler, port = 0): Promise<{ url: string; requests: SeenRequest[]; close: () => Promise<void>; server: Server }> {
	const requests: SeenRequest[] = [];
	const sockets = new Set<Socket>();
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const seen = { at: Date.now(), method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
			requests.push(seen);
			handler(seen, res, req.socket);
		});
	});
	server.on('connection', (s) => {
		sockets.add(s);
		s.on('close', () => sockets.delete(s));
	});
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	const address = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${address.port}`,
		requests,
		server,
		close: async () => {
			for (const s of sockets) s.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
	res.writeHead(status, { 'content-type': 'application/json', ...headers });
	res.end(typeof body === 'string' ? body : JSON.stringify(body));
}
