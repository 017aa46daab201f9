/**
 * Which n8n process sent a request? A small HTTP proxy in front of the fake API answers that from the kernel:
 * for every TCP connection it accepts, it finds the client socket in /proc/net/tcp{,6} (by the two ports) and
 * the process holding that socket (by inode, in /proc/<pid>/fd) among the processes it is told about.
 *
 *   const proxy = await startAttributingProxy(fake.url, () => topology.processes());
 *   credential baseUrl = proxy.url              // n8n talks to the fake through the proxy
 *   proxy.log          → [{ method, path, status, process: 'worker', pid }]
 *   fake.log[i].userAgent ends with "e2e-process/worker" → the fake's own log (routes, submission flags) says who
 *
 * Linux only (/proc); the attribution is made once per connection, while the connection is open.
 */
import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';

import { descendants } from '../support/proc';

export interface ProcessGroup {
	/** e.g. 'main', 'worker', 'webhook' */
	label: string;
	/** the process itself; its descendants (task runner) count as the same process group */
	pid: number;
}

export interface AttributedRequest {
	seq: number;
	at: number;
	method: string;
	path: string;
	/** HTTP status from the fake; 0 when the upstream request failed */
	status: number;
	/** label of the process group that sent it, or 'unknown' */
	process: string;
	pid?: number;
}

export interface AttributingProxy {
	/** http://127.0.0.1:<port> (no trailing slash) */
	url: string;
	log: AttributedRequest[];
	close(): Promise<void>;
}

/** The marker appended to the User-Agent the fake sees. */
export const VIA_MARKER = 'e2e-process/';

/** The process label a fake log entry was attributed to (from its User-Agent), or undefined. */
export function processOf(entry: { userAgent?: string }): string | undefined {
	const at = entry.userAgent?.lastIndexOf(VIA_MARKER) ?? -1;
	return at >= 0 ? entry.userAgent!.slice(at + VIA_MARKER.length).split(/\s/)[0] : undefined;
}

/** inode of the TCP socket whose local port is `localPort` and remote port `remotePort`. */
function socketInode(localPort: number, remotePort: number): string | undefined {
	const hex = (p: number) => p.toString(16).toUpperCase().padStart(4, '0');
	const local = `:${hex(localPort)}`;
	const remote = `:${hex(remotePort)}`;
	for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
		let text = '';
		try {
			text = readFileSync(table, 'utf8');
		} catch {
			continue;
		}
		for (const line of text.split('\n').slice(1)) {
			const f = line.trim().split(/\s+/);
			if (f.length > 9 && f[1].endsWith(local) && f[2].endsWith(remote)) return f[9];
		}
	}
	return undefined;
}

function holdsSocket(pid: number, inode: string): boolean {
	const want = `socket:[${inode}]`;
	let fds: string[] = [];
	try {
		fds = readdirSync(`/proc/${pid}/fd`);
	} catch {
		return false;
	}
	for (const fd of fds) {
		try {
			if (readlinkSync(`/proc/${pid}/fd/${fd}`) === want) return true;
		} catch {
			// closed meanwhile
		}
	}
	return false;
}

function attribute(socket: Socket, proxyPort: number, groups: ProcessGroup[]): { process: string; pid?: number } {
	const inode = socket.remotePort ? socketInode(socket.remotePort, proxyPort) : undefined;
	if (!inode) return { process: 'unknown' };
	for (const group of groups) {
		for (const pid of [group.pid, ...descendants(group.pid).map((r) => r.pid)]) {
			if (holdsSocket(pid, inode)) return { process: group.label, pid };
		}
	}
	return { process: 'unknown' };
}

/** Starts the proxy on a random loopback port, forwarding everything to `target` (e.g. fake.url). */
export async function startAttributingProxy(target: string, groups: () => ProcessGroup[]): Promise<AttributingProxy> {
	const upstream = new URL(target);
	const agent = new Agent({ keepAlive: true, maxSockets: 64 });
	const log: AttributedRequest[] = [];
	const who = new WeakMap<Socket, { process: string; pid?: number }>();
	const sockets = new Set<Socket>();
	let seq = 0;
	let port = 0;

	const handle = (req: IncomingMessage, res: ServerResponse) => {
		const origin = who.get(req.socket) ?? { process: 'unknown' };
		const entry: AttributedRequest = { seq: ++seq, at: Date.now(), method: req.method ?? 'GET', path: req.url ?? '/', status: 0, ...origin };
		log.push(entry);
		const headers = { ...req.headers, 'user-agent': `${req.headers['user-agent'] ?? ''} ${VIA_MARKER}${origin.process}`.trim() };
		const forward = httpRequest(
			{ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
			(answer) => {
				entry.status = answer.statusCode ?? 0;
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			},
		);
		forward.on('error', (error) => {
			if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
			res.end(`e2e proxy: ${error.message}`);
		});
		req.pipe(forward);
	};

	const server: Server = createServer(handle);
	server.on('connection', (socket: Socket) => {
		sockets.add(socket);
		socket.once('close', () => sockets.delete(socket));
		// now, while the client side of this connection certainly exists
		who.set(socket, attribute(socket, port, groups()));
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	port = (server.address() as AddressInfo).port;
	return {
		url: `http://127.0.0.1:${port}`,
		log,
		close: async () => {
			for (const s of sockets) s.destroy();
			agent.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
