/**
 * The agent workflow of agent.e2e.test.ts, as a user builds it in n8n 2.41.1: Manual Trigger -> AI
 * Agent (3.1) with n8n's OpenAI Chat Model (Chat Completions, its credential's Base URL on the
 * stand-in model) and two Bybit tools (node type `n8n-nodes-bybit.bybitTool`, the tool n8n derives
 * from `usableAsTool`): a read (market tickers) and an order whose symbol, side and quantity the
 * model fills in through `$fromAI(...)`. Both tools use a credential capped by Max Order Notional.
 */
import { IS_N8N_1 } from './n8nLine';
import type { Json } from './support';

export const AGENT_WF_ID = 'e2eAgentBybitTools';
export const CAPPED_CRED_ID = 'e2eBybitAgentCapped';
export const MODEL_CRED_ID = 'e2eStandInModel';
export const MAX_NOTIONAL = 1000;

export const TICKER_TOOL = 'Get ticker';
export const ORDER_TOOL = 'Place order';

/** What each $fromAI() key tells the model; the test checks that n8n sends exactly these. */
export const FROM_AI = {
	symbol: 'The Bybit symbol, e.g. BTCUSDT',
	side: 'Buy or Sell (capitalised)',
	qty: 'Order quantity in the base coin, as a decimal string (e.g. 0.01 for 0.01 BTC)',
} as const;

const fromAi = (key: keyof typeof FROM_AI) => `={{ $fromAI('${key}', '${FROM_AI[key]}', 'string') }}`;
const bybitCred = { bybitApi: { id: CAPPED_CRED_ID, name: 'Bybit sandbox (agent, capped)' } };

export const AGENT_PROMPT = `Look up BTCUSDT (linear) and buy about 2x ${MAX_NOTIONAL} USDT of it at market; if that is refused, buy what the limits allow.`;

/**
 * n8n 1.123's AI Agent (v3) fails the whole execution when a tool node throws (2.41 hands the error
 * to the model): on 1.x the tools continue on error, so a refusal reaches the model as it does on 2.x.
 */
const toolOnError = IS_N8N_1 ? { onError: 'continueRegularOutput' } : {};

export function agentWorkflow(): Json {
	const nodes = [
		{ id: 'agent-0', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{
			id: 'agent-1',
			name: 'AI Agent',
			type: '@n8n/n8n-nodes-langchain.agent',
			typeVersion: IS_N8N_1 ? 3 : 3.1, // n8n 1.123's AI Agent goes up to 3
			position: [240, 0],
			parameters: { promptType: 'define', text: AGENT_PROMPT, options: {} },
		},
		{
			id: 'agent-2',
			name: 'OpenAI Chat Model',
			type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
			typeVersion: 1.3,
			position: [100, 220],
			parameters: { model: { __rl: true, mode: 'id', value: 'gpt-stand-in-1' }, responsesApiEnabled: false, options: { maxRetries: 0 } },
			credentials: { openAiApi: { id: MODEL_CRED_ID, name: 'Stand-in model' } },
		},
		{
			id: 'agent-3',
			name: TICKER_TOOL,
			type: 'n8n-nodes-bybit.bybitTool',
			typeVersion: 1,
			position: [300, 220],
			parameters: {
				descriptionType: 'auto',
				resource: 'market',
				operation: 'getTickers',
				category: 'linear',
				symbol: { __rl: true, mode: 'id', value: fromAi('symbol') },
			},
			credentials: bybitCred,
			...toolOnError,
		},
		{
			id: 'agent-4',
			name: ORDER_TOOL,
			type: 'n8n-nodes-bybit.bybitTool',
			typeVersion: 1,
			position: [500, 220],
			parameters: {
				descriptionType: 'auto',
				resource: 'order',
				operation: 'create',
				category: 'linear',
				symbol: { __rl: true, mode: 'id', value: fromAi('symbol') },
				side: fromAi('side'),
				orderType: 'Market',
				qtyType: 'base',
				qty: fromAi('qty'),
			},
			credentials: bybitCred,
			...toolOnError,
		},
	];
	const to = (type: string) => ({ [type]: [[{ node: 'AI Agent', type, index: 0 }]] });
	return {
		id: AGENT_WF_ID,
		name: 'e2e AI Agent with Bybit tools',
		nodes,
		connections: {
			Start: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'OpenAI Chat Model': to('ai_languageModel'),
			[TICKER_TOOL]: to('ai_tool'),
			[ORDER_TOOL]: to('ai_tool'),
		},
		settings: { executionOrder: 'v1' },
	};
}
