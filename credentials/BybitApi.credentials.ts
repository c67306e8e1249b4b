import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { environmentOptions as environments } from './common/bybit/endpoints';
import { BYBIT_ERRORS } from './common/bybit/errors';
import { signBybitRequest, type BybitCredentialData } from './common/bybit/request';

const environmentOptions = environments();

/** Bybit answers auth failures with HTTP 200 and a retCode: each gets its own message. */
const AUTH_FAILURE_CODES = [10002, 10003, 10004, 10005, 10007, 10009, 10010, 10028, 33004] as const;

export class BybitApi implements ICredentialType {
	name = 'bybitApi';

	displayName = 'Bybit API';

	icon: Icon = { light: 'file:../icons/bybit.svg', dark: 'file:../icons/bybit.dark.svg' };

	documentationUrl = 'https://bybit-exchange.github.io/docs/v5/guide';

	properties: INodeProperties[] = [
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: environmentOptions,
			default: 'mainnet',
			description: 'Which Bybit to talk to. API keys only work on the environment that created them.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'http://127.0.0.1:8790',
			description: 'REST base URL of a Bybit-compatible server (sandbox or proxy), without a path',
			displayOptions: { show: { environment: ['custom'] } },
		},
		{
			displayName: 'WebSocket Base URL',
			name: 'wsBaseUrl',
			type: 'string',
			default: '',
			placeholder: 'ws://127.0.0.1:8790',
			description: 'WebSocket base URL, without a path. Empty means the Base URL with ws:// or wss://.',
			displayOptions: { show: { environment: ['custom'] } },
		},
		{
			displayName: 'Signature Method',
			name: 'signatureMethod',
			type: 'options',
			options: [
				{ name: 'HMAC (System-Generated Key)', value: 'hmac' },
				{ name: 'RSA (Self-Generated Key)', value: 'rsa' },
			],
			default: 'hmac',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
		},
		{
			displayName: 'API Secret',
			name: 'apiSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { signatureMethod: ['hmac'] } },
		},
		{
			displayName: 'RSA Private Key',
			name: 'rsaPrivateKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: '-----BEGIN PRIVATE KEY-----',
			description: 'PEM private key whose public key is registered with the API key on Bybit',
			displayOptions: { show: { signatureMethod: ['rsa'] } },
		},
		{
			displayName: 'Receive Window (Ms)',
			name: 'recvWindow',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 5000,
			description: 'How long after its timestamp Bybit accepts a signed request',
		},
		{
			displayName: 'Processes Sharing This Key',
			name: 'processesSharingKey',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 1,
			description:
				'How many n8n processes use this API key at the same time (in queue mode: the number of workers, plus the main process if it runs the Bybit Trigger). Each takes its share of Bybit\'s per-key rate limits and of the IP budget, so together they stay within what Bybit allows.',
		},
		{
			displayName: 'Order Entry',
			name: 'orderEntry',
			type: 'options',
			options: [
				{
					name: 'REST',
					value: 'rest',
					description: 'Each order is its own signed HTTPS request',
				},
				{
					name: 'WebSocket (Lower Latency)',
					value: 'websocket',
					description:
						'Orders go over one authenticated connection per key, kept open while in use (Bybit\'s WebSocket Trade API); where Bybit does not offer it (Demo Trading, some regional sites) they go over REST',
				},
			],
			default: 'rest',
			description:
				'How the Bybit node sends order creates, amends and cancels (single and batch, including Create From Signal, Close, Flip and Set Target). Safety limits, rate limits and never-twice rules are the same either way.',
		},
		{
			displayName:
				'Safety limits below apply to every request signed with this credential: Bybit nodes, AI-agent tools and the HTTP Request node. Refused requests are never sent. Reduce-only closes are always allowed.',
			name: 'safetyNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Read-Only Mode',
			name: 'readOnly',
			type: 'boolean',
			default: false,
			description: 'Whether to refuse every request that changes something (orders, positions, leverage, transfers)',
		},
		{
			displayName: 'Allowed Symbols',
			name: 'allowedSymbols',
			type: 'string',
			default: '',
			placeholder: 'BTCUSDT, ETHUSDT',
			description:
				'Comma-separated symbols that orders and position changes may use. Writes that name no symbol (cancel all by coin, position mode by coin) are refused. Empty allows every symbol.',
		},
		{
			displayName: 'Max Order Notional',
			name: 'maxOrderNotional',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 0,
			description:
				'Largest order value allowed, in the order\'s quote or settle currency (USDT for BTCUSDT, BTC for ETHBTC, USD for inverse contracts). Orders are valued at the worst of their limit or trigger price and the market price (last, mark, best quote); options at the underlying price. 0 means no limit.',
		},
		{
			displayName: 'Allow Withdrawals',
			name: 'allowWithdrawals',
			type: 'boolean',
			default: false,
			description: 'Whether the Withdraw operation may send withdrawals. Off by default.',
		},
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return signBybitRequest(credentials as BybitCredentialData, requestOptions);
	}

	test: ICredentialTestRequest = {
		request: { method: 'GET', url: '/v5/user/query-api' },
		rules: AUTH_FAILURE_CODES.map((code) => ({
			type: 'responseSuccessBody' as const,
			properties: { key: 'retCode', value: code, message: `Bybit rejected the key (retCode ${code}): ${BYBIT_ERRORS[code].hint}` },
		})),
	};
}
