// Headless Chromium for the sample receipt and the README screenshots, driven over the DevTools protocol
// through a pipe (--remote-debugging-pipe: NUL-separated JSON on file descriptors 3 and 4), so nothing beyond
// Debian's `chromium` package is needed: no browser download, no WebSocket client, no npm dependency.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

import { sleep, withTimeout } from '../test/e2e/support/wait';

/** Flags for a root, offline, headless Chromium that makes no background requests at all. */
export const CHROMIUM_FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--no-default-browser-check',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-extensions',
	'--hide-scrollbars',
	'--mute-audio',
	'--font-render-hinting=none',
];

/** The Chromium binary: $CHROMIUM, else Debian's /usr/bin/chromium (apt-get install -y chromium). */
export function chromiumPath(): string {
	const candidates = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[];
	const found = candidates.find((p) => existsSync(p));
	if (!found) {
		throw new Error('Chromium not found: install it with `apt-get install -y chromium` (Debian/Ubuntu) or set CHROMIUM=/path/to/chromium');
	}
	return found;
}

/** One-shot screenshot of a page (file:// or http://) at a window size, with Chromium's --screenshot. */
export function screenshotUrl(url: string, outFile: string, size: { width: number; height: number }): void {
	const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
	try {
		const r = spawnSync(
			chromiumPath(),
			[...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, `--window-size=${size.width},${size.height}`, `--screenshot=${outFile}`, url],
			{ encoding: 'utf8', timeout: 60_000 },
		);
		if (r.status !== 0 || !existsSync(outFile)) {
			throw new Error(`chromium --screenshot failed (exit ${r.status ?? r.signal}): ${(r.stderr || '').slice(-1000)}`);
		}
	} finally {
		rmSync(profile, { recursive: true, force: true });
	}
}

interface Pending {
	resolve: (value: Record<string, unknown>) => void;
	reject: (error: Error) => void;
	method: string;
}

type EventListener = (params: Record<string, unknown>, sessionId?: string) => void;

/** A DevTools-protocol connection to a Chromium it launched; `session(...)` talks to one page. */
export class Browser {
	private nextId = 1;
	private readonly pending = new Map<number, Pending>();
	private readonly listeners = new Map<string, Set<EventListener>>();
	private buffer = '';
	private closed = false;

	private constructor(
		private readonly child: ChildProcess,
		private readonly out: Writable,
		input: Readable,
		private readonly profile: string,
	) {
		input.on('data', (chunk: Buffer) => this.onData(chunk.toString('utf8')));
		child.on('exit', () => {
			this.closed = true;
			for (const p of this.pending.values()) p.reject(new Error(`Chromium exited while waiting for ${p.method}`));
			this.pending.clear();
		});
	}

	static async launch(opts: { width?: number; height?: number } = {}): Promise<Browser> {
		const profile = mkdtempSync(join(tmpdir(), 'chromium-cdp-'));
		const child = spawn(
			chromiumPath(),
			[
				...CHROMIUM_FLAGS,
				`--user-data-dir=${profile}`,
				`--window-size=${opts.width ?? 1440},${opts.height ?? 900}`,
				'--remote-debugging-pipe',
				'about:blank',
			],
			{ stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
		);
		let stderr = '';
		child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
		const out = child.stdio[3] as Writable;
		const input = child.stdio[4] as Readable;
		const browser = new Browser(child, out, input, profile);
		// the first answer proves the pipe works
		await browser.send('Browser.getVersion').catch((error: Error) => {
			throw new Error(`${error.message}\n${stderr}`);
		});
		return browser;
	}

	private onData(text: string): void {
		this.buffer += text;
		let end: number;
		while ((end = this.buffer.indexOf('\0')) >= 0) {
			const raw = this.buffer.slice(0, end);
			this.buffer = this.buffer.slice(end + 1);
			const message = JSON.parse(raw) as {
				id?: number;
				method?: string;
				params?: Record<string, unknown>;
				result?: Record<string, unknown>;
				error?: { message: string };
				sessionId?: string;
			};
			if (message.id !== undefined) {
				const p = this.pending.get(message.id);
				if (!p) continue;
				this.pending.delete(message.id);
				if (message.error) p.reject(new Error(`${p.method}: ${message.error.message}`));
				else p.resolve(message.result ?? {});
			} else if (message.method) {
				for (const listener of this.listeners.get(message.method) ?? []) listener(message.params ?? {}, message.sessionId);
			}
		}
	}

	send<T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}, sessionId?: string, timeoutMs = 30_000): Promise<T> {
		if (this.closed) return Promise.reject(new Error(`Chromium is closed (${method})`));
		const id = this.nextId++;
		return new Promise<T>((resolve, reject) => {
			const timer = setTimeout(() => {
				this.pending.delete(id);
				reject(new Error(`${method} timed out after ${timeoutMs} ms`));
			}, timeoutMs);
			this.pending.set(id, {
				method,
				resolve: (value) => {
					clearTimeout(timer);
					resolve(value as T);
				},
				reject: (error) => {
					clearTimeout(timer);
					reject(error);
				},
			});
			this.out.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
		});
	}

	on(method: string, listener: EventListener): () => void {
		const set = this.listeners.get(method) ?? new Set<EventListener>();
		set.add(listener);
		this.listeners.set(method, set);
		return () => set.delete(listener);
	}

	/** A new tab, attached in flat mode; `Page` and `Runtime` are enabled. */
	async newPage(size: { width: number; height: number }): Promise<Page> {
		const { targetId } = await this.send<{ targetId: string }>('Target.createTarget', { url: 'about:blank' });
		const { sessionId } = await this.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
		const page = new Page(this, sessionId);
		await page.send('Page.enable');
		await page.send('Runtime.enable');
		await page.send('Emulation.setDeviceMetricsOverride', { width: size.width, height: size.height, deviceScaleFactor: 1, mobile: false });
		return page;
	}

	async close(): Promise<void> {
		if (!this.closed) {
			await this.send('Browser.close', {}, undefined, 5_000).catch(() => undefined);
			await new Promise<void>((resolve) => {
				if (this.child.exitCode !== null || this.child.signalCode !== null) return resolve();
				const timer = setTimeout(() => {
					this.child.kill('SIGKILL');
					resolve();
				}, 5_000);
				this.child.once('exit', () => {
					clearTimeout(timer);
					resolve();
				});
			});
		}
		rmSync(this.profile, { recursive: true, force: true });
	}
}

/** One tab. Everything is bounded in time. */
export class Page {
	constructor(
		private readonly browser: Browser,
		readonly sessionId: string,
	) {}

	send<T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}, timeoutMs?: number): Promise<T> {
		return this.browser.send<T>(method, params, this.sessionId, timeoutMs);
	}

	/** Navigates and waits for the load event. */
	async goto(url: string, timeoutMs = 60_000): Promise<void> {
		const loaded = new Promise<void>((resolve) => {
			const off = this.browser.on('Page.loadEventFired', (_p, sessionId) => {
				if (sessionId === this.sessionId) {
					off();
					resolve();
				}
			});
		});
		const result = await this.send<{ errorText?: string }>('Page.navigate', { url });
		if (result.errorText) throw new Error(`navigating to ${url}: ${result.errorText}`);
		await withTimeout(loaded, timeoutMs, `load of ${url}`);
	}

	/** Evaluates an expression in the page (awaiting promises) and returns its JSON value. */
	async evaluate<T = unknown>(expression: string): Promise<T> {
		const r = await this.send<{ result: { value?: unknown }; exceptionDetails?: { text: string; exception?: { description?: string } } }>(
			'Runtime.evaluate',
			{ expression, awaitPromise: true, returnByValue: true },
		);
		if (r.exceptionDetails) throw new Error(`in page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
		return r.result.value as T;
	}

	/** Polls `expression` until it is truthy; returns its value. */
	async waitFor<T = unknown>(expression: string, description: string, timeoutMs = 30_000): Promise<T> {
		const deadline = Date.now() + timeoutMs;
		let last: unknown;
		for (;;) {
			try {
				const value = await this.evaluate<T>(expression);
				if (value) return value;
			} catch (error) {
				last = error;
			}
			if (Date.now() > deadline) {
				throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}${last instanceof Error ? ` (${last.message})` : ''}`);
			}
			await sleep(200);
		}
	}

	/** Centre of the first element matching `selector` (scrolled into view), or undefined. */
	async centreOf(selector: string): Promise<{ x: number; y: number } | undefined> {
		return await this.centreOfElement(`document.querySelector(${JSON.stringify(selector)})`);
	}

	/** Centre of the element a page expression yields (scrolled into view), or undefined. */
	private async centreOfElement(element: string): Promise<{ x: number; y: number } | undefined> {
		return await this.evaluate<{ x: number; y: number } | undefined>(`(() => {
			const el = ${element};
			if (!el) return undefined;
			el.scrollIntoView({ block: 'center', inline: 'center' });
			const r = el.getBoundingClientRect();
			return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
		})()`);
	}

	/** A real mouse click (moved, then pressed + released `clickCount` times) at a point. */
	private async clickAt(point: { x: number; y: number }, clickCount = 1): Promise<void> {
		await this.send('Input.dispatchMouseEvent', { type: 'mouseMoved', x: point.x, y: point.y });
		for (let n = 1; n <= clickCount; n++) {
			await this.send('Input.dispatchMouseEvent', { type: 'mousePressed', x: point.x, y: point.y, button: 'left', clickCount: n });
			await this.send('Input.dispatchMouseEvent', { type: 'mouseReleased', x: point.x, y: point.y, button: 'left', clickCount: n });
		}
	}

	/** A real mouse click (pressed + released) at the centre of the element. */
	async click(selector: string, opts: { clickCount?: number; timeoutMs?: number } = {}): Promise<void> {
		const point = await this.waitFor<{ x: number; y: number }>(
			`(() => { const el = document.querySelector(${JSON.stringify(selector)}); if (!el) return undefined; const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; })()`,
			`element ${selector}`,
			opts.timeoutMs ?? 30_000,
		).then(async () => await this.centreOf(selector));
		if (!point) throw new Error(`element ${selector} disappeared`);
		await this.clickAt(point, opts.clickCount);
	}

	/** Clicks the first element matching `selector` whose own text is exactly `text`. */
	async clickText(selector: string, text: string, timeoutMs = 10_000): Promise<void> {
		const find = `[...document.querySelectorAll(${JSON.stringify(selector)})].find((e) => e.textContent.trim() === ${JSON.stringify(text)})`;
		await this.waitFor(`!!(${find})`, `"${text}" in ${selector}`, timeoutMs);
		const point = await this.centreOfElement(find);
		if (!point) throw new Error(`"${text}" in ${selector} disappeared`);
		await this.clickAt(point);
	}

	/** Focuses an input and types text into it as keyboard input. */
	async type(selector: string, text: string): Promise<void> {
		await this.click(selector);
		await this.send('Input.insertText', { text });
	}

	async pressKey(key: 'Enter' | 'Escape'): Promise<void> {
		const codes = { Enter: 13, Escape: 27 };
		for (const type of ['keyDown', 'keyUp']) {
			await this.send('Input.dispatchKeyEvent', { type, key, code: key, windowsVirtualKeyCode: codes[key] });
		}
	}

	async screenshot(): Promise<Buffer> {
		const { data } = await this.send<{ data: string }>('Page.captureScreenshot', { format: 'png' });
		return Buffer.from(data, 'base64');
	}
}
