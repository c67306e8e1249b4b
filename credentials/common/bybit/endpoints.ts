/**
 * Bybit hosts per environment, as data. Sources: Bybit V5 docs, guide.mdx and
 * demo.mdx (REST), websocket/wss-authentication.mdx (streams).
 */
export const ENVIRONMENTS = {
	mainnet: { name: 'Mainnet', rest: 'https://api.bybit.com', wsPublic: 'wss://stream.bybit.com', wsPrivate: 'wss://stream.bybit.com' },
	mainnetBytick: { name: 'Mainnet (Bytick Host)', rest: 'https://api.bytick.com', wsPublic: 'wss://stream.bybit.com', wsPrivate: 'wss://stream.bybit.com' },
	testnet: { name: 'Testnet', rest: 'https://api-testnet.bybit.com', wsPublic: 'wss://stream-testnet.bybit.com', wsPrivate: 'wss://stream-testnet.bybit.com' },
	demo: { name: 'Demo Trading', rest: 'https://api-demo.bybit.com', wsPublic: 'wss://stream.bybit.com', wsPrivate: 'wss://stream-demo.bybit.com' },
	netherlands: { name: 'Netherlands (Bybit.nl)', rest: 'https://api.bybit.nl', wsPublic: 'wss://stream.bybit.com', wsPrivate: 'wss://stream.bybit.com' },
	turkey: { name: 'Turkey (Bybit.tr)', rest: 'https://api.bybit.tr', wsPublic: 'wss://stream.bybit.tr', wsPrivate: 'wss://stream.bybit.tr' },
	kazakhstan: { name: 'Kazakhstan (Bybit.kz)', rest: 'https://api.bybit.kz', wsPublic: 'wss://stream.bybit.kz', wsPrivate: 'wss://stream.bybit.kz' },
	georgia: { name: 'Georgia (Bybitgeorgia.ge)', rest: 'https://api.bybitgeorgia.ge', wsPublic: 'wss://stream.bybitgeorgia.ge', wsPrivate: 'wss://stream.bybitgeorgia.ge' },
	uae: { name: 'United Arab Emirates (Bybit.ae)', rest: 'https://api.bybit.ae', wsPublic: 'wss://stream.bybit.com', wsPrivate: 'wss://stream.bybit.com' },
	eea: { name: 'EEA (Bybit.eu)', rest: 'https://api.bybit.eu', wsPublic: 'wss://stream.bybit.com', wsPrivate: 'wss://stream.bybit.com' },
	indonesia: { name: 'Indonesia (Bybit.id)', rest: 'https://api.bybit.id', wsPublic: 'wss://stream.bybit.id', wsPrivate: 'wss://stream.bybit.id' },
	japan: { name: 'Japan (Manepa.jp)', rest: 'https://api.manepa.jp', wsPublic: 'wss://stream.manepa.jp', wsPrivate: 'wss://stream.manepa.jp' },
} as const;

export type PresetEnvironment = keyof typeof ENVIRONMENTS;

/**
 * Where a printable ASCII character sorts in localeCompare's first pass: spaces, then punctuation
 * and symbols, then digits, then letters (case aside); within digits and letters by code, which is
 * their order. Undefined: not printable ASCII.
 */
function rankOf(code: number): { group: number; code: number } | undefined {
	if (code >= 65 && code <= 90) return { group: 3, code: code + 32 };
	if (code >= 97 && code <= 122) return { group: 3, code };
	if (code >= 48 && code <= 57) return { group: 2, code };
	if (code === 32) return { group: 0, code };
	return code > 32 && code < 127 ? { group: 1, code } : undefined;
}

/**
 * Orders display names as `a.localeCompare(b)` does, deciding by itself for printable ASCII names
 * that differ beyond case: at the first such difference, spaces < punctuation and symbols < digits
 * < letters, digits and letters by code; a name before its own continuation. What it cannot tell
 * (two punctuation marks, names equal but for case, other characters) is left to localeCompare.
 * Description options are sorted while n8n loads the node, and a first localeCompare costs a few
 * milliseconds there (the collator is set up), which names like ours never need.
 */
export function compareNames(a: string, b: string): number {
	const n = Math.min(a.length, b.length);
	for (let i = 0; i < n; i++) {
		const x = a.charCodeAt(i);
		const y = b.charCodeAt(i);
		if (x === y) continue;
		const rx = rankOf(x);
		const ry = rankOf(y);
		if (!rx || !ry || (rx.group === 1 && ry.group === 1)) return a.localeCompare(b);
		if (rx.group !== ry.group) return rx.group - ry.group;
		if (rx.code !== ry.code) return rx.code - ry.code;
	}
	if (a.length === b.length) return a === b ? 0 : a.localeCompare(b);
	// one is the other's start: a printable character next makes the longer one sort after, whatever follows
	const longer = a.length > b.length ? a : b;
	return rankOf(longer.charCodeAt(n)) ? a.length - b.length : a.localeCompare(b);
}

/** The environments as n8n options (credential and node), sorted by name, Custom included. */
export function environmentOptions(): Array<{ name: string; value: string }> {
	return [
		...Object.entries(ENVIRONMENTS).map(([value, env]) => ({ name: env.name, value })),
		{ name: 'Custom (Sandbox or Proxy)', value: 'custom' },
	].sort((a, b) => compareNames(a.name, b.name));
}
export type Environment = PresetEnvironment | 'custom';

export interface HostSettings {
	environment?: string;
	baseUrl?: string;
	wsBaseUrl?: string;
}

function trimSlash(url: string): string {
	return url.replace(/\/+$/, '');
}

function preset(environment: string | undefined) {
	const key = (environment ?? 'mainnet') as PresetEnvironment;
	return ENVIRONMENTS[key] ?? ENVIRONMENTS.mainnet;
}

/** REST base URL (no trailing slash) for a credential's environment. */
export function restBaseUrl(settings: HostSettings): string {
	if (settings.environment === 'custom') return trimSlash(settings.baseUrl ?? '');
	return preset(settings.environment).rest;
}

/** `scheme://host[:port]` of a URL: the key of per-host state such as the clock offset. */
export function originOf(url: string): string {
	return /^[a-z][a-z0-9+.-]*:\/\/[^/?#]+/i.exec(url)?.[0] ?? url;
}

/** The REST origin of a credential's environment. */
export function restOrigin(settings: HostSettings): string {
	return originOf(restBaseUrl(settings));
}

/** WebSocket base (no path) for private or public streams. */
export function wsBaseUrl(settings: HostSettings, kind: 'public' | 'private'): string {
	if (settings.environment === 'custom') {
		const explicit = trimSlash(settings.wsBaseUrl ?? '');
		if (explicit) return explicit;
		return restBaseUrl(settings).replace(/^http/, 'ws');
	}
	const env = preset(settings.environment);
	return kind === 'private' ? env.wsPrivate : env.wsPublic;
}

export type StreamCategory = 'spot' | 'linear' | 'inverse' | 'option';

export function wsPrivateUrl(settings: HostSettings): string {
	return `${wsBaseUrl(settings, 'private')}/v5/private`;
}

export function wsPublicUrl(settings: HostSettings, category: StreamCategory): string {
	return `${wsBaseUrl(settings, 'public')}/v5/public/${category}`;
}

/** The system status stream (docs: websocket/system/system-status): public, on the public stream host. */
export function wsStatusUrl(settings: HostSettings): string {
	return `${wsBaseUrl(settings, 'public')}/v5/public/misc/status`;
}

/**
 * Hosts for public streams without a credential (Bybit Trigger, market mode):
 * mainnet, testnet and the regional sites whose public streams have their own
 * host (the others serve mainnet's public streams).
 */
export function publicStreamHosts(): Array<{ name: string; value: PresetEnvironment }> {
	return (Object.keys(ENVIRONMENTS) as PresetEnvironment[])
		.filter((key) => key === 'mainnet' || key === 'testnet' || ENVIRONMENTS[key].wsPublic !== ENVIRONMENTS.mainnet.wsPublic)
		.map((key) => {
			// e.g. "Testnet (Stream-Testnet.bybit.com)": the site's name and its stream host, first label in title case
			const host = ENVIRONMENTS[key].wsPublic.replace(/^wss:\/\//, '').replace(/^[^.]+/, (label) => label.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase()));
			return { name: `${ENVIRONMENTS[key].name.replace(/ \(.*\)$/, '')} (${host})`, value: key };
		});
}

/**
 * Hosts of the WebSocket Trade API (`/v5/trade`, docs: websocket/trade/guideline.mdx): mainnet
 * (the Bytick REST host's accounts are mainnet's), testnet, and the two regional sites the docs
 * name (Turkey, Kazakhstan). Demo trading has none (the docs say so); the other regional sites
 * are not documented, so their orders stay on REST rather than go to a host that may not know
 * the account.
 */
const TRADE_HOSTS: Partial<Record<PresetEnvironment, string>> = {
	mainnet: 'wss://stream.bybit.com',
	mainnetBytick: 'wss://stream.bybit.com',
	testnet: 'wss://stream-testnet.bybit.com',
	turkey: 'wss://stream.bybit.tr',
	kazakhstan: 'wss://stream.bybit.kz',
};

/** The `/v5/trade` URL for a credential's environment, or undefined where Bybit offers no WebSocket order entry. Custom: the WebSocket Base URL (or the Base URL as ws). */
export function wsTradeUrl(settings: HostSettings): string | undefined {
	if (settings.environment === 'custom') return `${wsBaseUrl(settings, 'private')}/v5/trade`;
	const host = TRADE_HOSTS[(settings.environment ?? 'mainnet') as PresetEnvironment];
	return host ? `${host}/v5/trade` : undefined;
}
