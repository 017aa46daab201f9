/**
 * A tiny OpenAI-compatible chat model on 127.0.0.1 for AI-agent tests: `POST /v1/chat/completions` answers with
 * whatever the test's script decides from the conversation so far (a tool call or a final answer), plain JSON or
 * server-sent events when the client asks for a stream; `GET /v1/models` lists the one model. Every call is recorded.
 * Nothing here imports jest: the screenshot script uses it too.
 */
import type { ServerResponse } from 'node:http';

import { json, startScriptedServer } from '../../helpers/scripted-server';

export interface ChatMessage {
	role: 'system' | 'user' | 'assistant' | 'tool';
	content: string | null | Array<{ type: string; text?: string }>;
	tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }>;
	tool_call_id?: string;
	name?: string;
}

/** A tool as the client offers it (OpenAI "function" tool). */
export interface OfferedTool {
	name: string;
	description: string;
	parameters: { type: 'object'; properties?: Record<string, { type?: string; description?: string }>; required?: string[] };
}

/** What the model says next: call one tool, or answer. */
export type ModelTurn = { call: { name: string; arguments: Record<string, unknown> } } | { answer: string };

export type ModelScript = (conversation: { messages: ChatMessage[]; tools: OfferedTool[] }) => ModelTurn;

export interface ModelCall {
	at: number;
	messages: ChatMessage[];
	tools: OfferedTool[];
	stream: boolean;
	turn: ModelTurn;
}

export interface FakeModel {
	/** base URL as an OpenAI credential wants it, e.g. http://127.0.0.1:41234/v1 */
	url: string;
	model: string;
	calls: ModelCall[];
	close(): Promise<void>;
}

/** Text of a message whatever shape its content has. */
export function textOf(message: ChatMessage): string {
	if (typeof message.content === 'string') return message.content;
	if (Array.isArray(message.content)) return message.content.map((part) => part.text ?? '').join('');
	return '';
}

function completion(model: string, n: number, turn: ModelTurn) {
	const message =
		'call' in turn
			? {
					role: 'assistant',
					content: null,
					tool_calls: [{ id: `call_${n}`, type: 'function', function: { name: turn.call.name, arguments: JSON.stringify(turn.call.arguments) } }],
				}
			: { role: 'assistant', content: turn.answer };
	return {
		id: `chatcmpl-fake-${n}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model,
		choices: [{ index: 0, message, logprobs: null, finish_reason: 'call' in turn ? 'tool_calls' : 'stop' }],
		usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
	};
}

/** The same turn as server-sent chunks, the way the streaming API delivers it. */
function streamChunks(model: string, n: number, turn: ModelTurn): unknown[] {
	const base = { id: `chatcmpl-fake-${n}`, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model };
	const delta =
		'call' in turn
			? {
					role: 'assistant',
					content: null,
					tool_calls: [{ index: 0, id: `call_${n}`, type: 'function', function: { name: turn.call.name, arguments: JSON.stringify(turn.call.arguments) } }],
				}
			: { role: 'assistant', content: turn.answer };
	return [
		{ ...base, choices: [{ index: 0, delta, finish_reason: null }] },
		{ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'call' in turn ? 'tool_calls' : 'stop' }], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } },
	];
}

export async function startFakeModel(script: ModelScript, opts: { model?: string; maxCalls?: number } = {}): Promise<FakeModel> {
	const model = opts.model ?? 'fake-tool-caller';
	// a misbehaving agent loop must not spin forever against us
	const maxCalls = opts.maxCalls ?? 20;
	const calls: ModelCall[] = [];
	const server = await startScriptedServer((req, res: ServerResponse) => {
		const path = req.url.split('?')[0].replace(/\/+$/, '');
		if (req.method === 'GET' && path.endsWith('/models')) {
			json(res, 200, { object: 'list', data: [{ id: model, object: 'model', created: 0, owned_by: 'e2e' }] });
			return;
		}
		if (req.method !== 'POST' || !path.endsWith('/chat/completions')) {
			json(res, 404, { error: { message: `no route ${req.method} ${req.url}`, type: 'invalid_request_error' } });
			return;
		}
		if (calls.length >= maxCalls) {
			json(res, 400, { error: { message: `fake model: more than ${maxCalls} calls`, type: 'invalid_request_error' } });
			return;
		}
		try {
			const body = JSON.parse(req.body.toString('utf8')) as {
				messages: ChatMessage[];
				tools?: Array<{ type: string; function: OfferedTool }>;
				stream?: boolean;
			};
			const tools = (body.tools ?? []).filter((t) => t.type === 'function').map((t) => t.function);
			const turn = script({ messages: body.messages, tools });
			const stream = body.stream === true;
			calls.push({ at: Date.now(), messages: body.messages, tools, stream, turn });
			if (!stream) {
				json(res, 200, completion(model, calls.length, turn));
				return;
			}
			res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
			for (const chunk of streamChunks(model, calls.length, turn)) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
			res.end('data: [DONE]\n\n');
		} catch (error) {
			json(res, 500, { error: { message: `fake model: ${error instanceof Error ? error.message : String(error)}`, type: 'server_error' } });
		}
	});
	return { url: `${server.url}/v1`, model, calls, close: server.close };
}
