/**
 * A stand-in for OpenAI's Chat Completions API on 127.0.0.1 (port 0), for n8n's OpenAI Chat Model
 * node (credential `openAiApi`, Base URL pointed here). It records every request (the `tools` array
 * n8n sends, the tool results it feeds back) and answers from a script the test gives: a function of
 * the conversation so far that returns either tool calls or the final text, in OpenAI's documented
 * shapes (`chat.completion`, `finish_reason: "tool_calls"`, arguments as a JSON string; SSE chunks
 * when the request asks for `stream: true`). GET /models lists the one model.
 */
import * as http from 'http';
import type * as net from 'net';

export interface ChatMessage {
	role: 'system' | 'user' | 'assistant' | 'tool';
	content?: string | Array<{ type: string; text?: string }> | null;
	tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }>;
	tool_call_id?: string;
	name?: string;
}
export interface ToolSchema {
	type: 'function';
	function: { name: string; description?: string; parameters?: { type?: string; properties?: Record<string, { type?: string; description?: string }>; required?: string[] } };
}
export interface ChatRequest {
	model: string;
	messages: ChatMessage[];
	tools?: ToolSchema[];
	stream?: boolean;
	[extra: string]: unknown;
}
export type Reply = { toolCall: { name: string; args: Record<string, unknown> } } | { text: string };
export interface Exchange {
	request: ChatRequest;
	reply: Reply;
	/** whatever the test's `onRequest` hook noted when the request arrived (e.g. the sandbox's wire so far) */
	note?: unknown;
}

export const MODEL_ID = 'gpt-stand-in-1';

/** The text of a message (OpenAI allows a string or content parts). */
export function textOf(m: ChatMessage): string {
	if (typeof m.content === 'string') return m.content;
	return (m.content ?? []).map((p) => p.text ?? '').join('');
}

export interface StandInModel {
	/** e.g. http://127.0.0.1:PORT/v1 (what the openAiApi credential's Base URL takes) */
	baseUrl: string;
	exchanges: Exchange[];
	/** requests that were not POST /v1/chat/completions or GET /v1/models */
	unexpected: string[];
	close(): Promise<void>;
}

function completion(reply: Reply, n: number) {
	const message = 'toolCall' in reply
		? { role: 'assistant', content: null, tool_calls: [{ id: `call_${n}`, type: 'function', function: { name: reply.toolCall.name, arguments: JSON.stringify(reply.toolCall.args) } }] }
		: { role: 'assistant', content: reply.text };
	return {
		id: `chatcmpl-standin-${n}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model: MODEL_ID,
		choices: [{ index: 0, message, logprobs: null, finish_reason: 'toolCall' in reply ? 'tool_calls' : 'stop' }],
		usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
	};
}

/** The same answer as `chat.completion.chunk` server-sent events. */
function chunks(reply: Reply, n: number): string {
	const base = { id: `chatcmpl-standin-${n}`, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: MODEL_ID };
	const delta = 'toolCall' in reply
		? { role: 'assistant', content: null, tool_calls: [{ index: 0, id: `call_${n}`, type: 'function', function: { name: reply.toolCall.name, arguments: JSON.stringify(reply.toolCall.args) } }] }
		: { role: 'assistant', content: reply.text };
	const events = [
		{ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: null }] },
		{ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'toolCall' in reply ? 'tool_calls' : 'stop' }] },
		{ ...base, choices: [], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } },
	];
	return events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join('') + 'data: [DONE]\n\n';
}

export async function startStandInModel(script: (request: ChatRequest, turn: number) => Reply, onRequest?: () => unknown): Promise<StandInModel> {
	const exchanges: Exchange[] = [];
	const unexpected: string[] = [];
	const server = http.createServer((req, res) => {
		let text = '';
		req.setEncoding('utf8');
		req.on('data', (d) => (text += d));
		req.on('end', () => {
			const url = (req.url ?? '').split('?')[0];
			const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
			if (req.method === 'GET' && url === '/v1/models') {
				return send(200, { object: 'list', data: [{ id: MODEL_ID, object: 'model', created: 1700000000, owned_by: 'stand-in' }] });
			}
			if (req.method !== 'POST' || url !== '/v1/chat/completions') {
				unexpected.push(`${req.method} ${req.url}`);
				return send(404, { error: { message: `stand-in model: no route ${req.method} ${url}`, type: 'invalid_request_error', param: null, code: null } });
			}
			let request: ChatRequest;
			try {
				request = JSON.parse(text) as ChatRequest;
			} catch {
				return send(400, { error: { message: 'body is not JSON', type: 'invalid_request_error', param: null, code: null } });
			}
			const note = onRequest?.();
			let reply: Reply;
			try {
				reply = script(request, exchanges.length);
			} catch (e) {
				reply = { text: `stand-in script error: ${(e as Error).message}` };
			}
			exchanges.push({ request, reply, note });
			if (request.stream) {
				return res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' }).end(chunks(reply, exchanges.length));
			}
			return send(200, completion(reply, exchanges.length));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	const { port } = server.address() as net.AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}/v1`,
		exchanges,
		unexpected,
		close: () => new Promise<void>((resolve) => {
			server.closeAllConnections();
			server.close(() => resolve());
		}),
	};
}
