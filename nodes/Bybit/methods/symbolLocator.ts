/**
 * The Symbol resource locator shared by the Bybit node and the Bybit Trigger:
 * a searchable list, a symbol typed by hand (checked against the form the
 * node accepts at run time, see actions/inputs.ts), or the address of a
 * Bybit trading page, from which n8n extracts the symbol with `extractValue`.
 *
 * Trading pages (bybit.com and the regional sites, optional locale such as
 * /en/ or /en-US/, testnet.bybit.com):
 *   /trade/usdt/BTCUSDT              USDT perpetual          -> BTCUSDT
 *   /trade/usdc/BTC-PERP             USDC perpetual          -> BTCPERP
 *   /trade/futures/usdc/BTC-26DEC25  USDC futures            -> BTC-26DEC25
 *   /trade/inverse/BTCUSD            inverse perpetual       -> BTCUSD
 *   /trade/inverse/futures/BTCUSDZ25 inverse futures         -> BTCUSDZ25
 *   /trade/spot/BTC/USDT             spot (base/quote)       -> BTCUSDT
 *   /trade/option/usdc/BTC-27DEC24-100000-C  one option      -> BTC-27DEC24-100000-C
 * An option page that names only a coin (/trade/option/usdc/BTC) names no
 * contract and is not accepted: use By Symbol.
 */
import type { INodePropertyModeTypeOptions, INodeProperties } from 'n8n-workflow';

/**
 * The form the node accepts (actions/inputs.ts trims and upper-cases it):
 * letters, digits and dashes. Empty passes (an optional Symbol left empty):
 * n8n refuses to run a node whose parameters have issues, so this accepts
 * everything the node accepted before it existed.
 */
export const SYMBOL_ID_REGEX = '(?:\\s*[A-Za-z0-9][A-Za-z0-9-]{1,59}\\s*)?';

const HOSTS = '(?:www\\.|testnet\\.)?(?:bybit\\.(?:com|eu|nl|tr|kz|id|ae)|bybitgeorgia\\.ge|manepa\\.jp)';
const LOCALE = '(?:/[a-zA-Z]{2}(?:-[a-zA-Z]{2,4})?)?';
const MARKETS = '(?:usdt|usdc|inverse/futures|inverse|futures/usdc|spot|option/usd[ct](?=/[A-Z0-9]+-[A-Z0-9]+-[0-9]+-[CP]))';
/**
 * One capture group: the symbol part of a trading page's path (spot keeps its
 * slash, see symbolOfPage). Empty matches with no symbol (an optional Symbol
 * left empty sends none).
 */
export const SYMBOL_URL_REGEX = `^\\s*(?:https?://${HOSTS}${LOCALE}/trade/${MARKETS}/([A-Z0-9]+(?:[-/][A-Z0-9]+)*)/?(?:[?#]\\S*)?)?\\s*$`;

const URL_EXAMPLE = 'https://www.bybit.com/trade/usdt/BTCUSDT';

/** The symbol Bybit's API uses for what a trading page's path names (BTC/USDT -> BTCUSDT, BTC-PERP -> BTCPERP). */
export function symbolOfPage(extracted: string): string {
	return extracted.replace('/', '').replace(/^([A-Z0-9]+)-PERP$/, '$1PERP');
}

/** A locator's value as the symbol to send: the URL mode's extracted part mapped to the API symbol, else as given. */
export function symbolFromLocator(raw: unknown, extracted: unknown): unknown {
	const mode = raw && typeof raw === 'object' && '__rl' in raw ? (raw as { mode?: unknown }).mode : undefined;
	return mode === 'url' && typeof extracted === 'string' ? symbolOfPage(extracted) : extracted;
}

export function symbolLocator(options: { searchListMethod: string; description: string; required?: boolean; default?: string }): INodeProperties {
	const list: INodePropertyModeTypeOptions = { searchListMethod: options.searchListMethod, searchable: true };
	return {
		displayName: 'Symbol',
		name: 'symbol',
		type: 'resourceLocator',
		required: options.required ?? true,
		default: { mode: options.default ? 'id' : 'list', value: options.default ?? '' },
		description: options.description,
		modes: [
			{ displayName: 'From List', name: 'list', type: 'list', typeOptions: list },
			{
				displayName: 'By Symbol',
				name: 'id',
				type: 'string',
				placeholder: 'BTCUSDT',
				validation: [
					{
						type: 'regex',
						properties: {
							regex: SYMBOL_ID_REGEX,
							errorMessage: 'Not a Bybit symbol: use letters and digits as Bybit writes them, e.g. BTCUSDT (futures and options keep their dashes: BTC-26DEC25-100000-C)',
						},
					},
				],
			},
			{
				displayName: 'By URL',
				name: 'url',
				type: 'string',
				placeholder: URL_EXAMPLE,
				validation: [
					{
						type: 'regex',
						properties: {
							regex: SYMBOL_URL_REGEX,
							errorMessage: `Not a Bybit trading page: paste the address of the pair's page, e.g. ${URL_EXAMPLE} or https://www.bybit.com/en/trade/spot/BTC/USDT`,
						},
					},
				],
				extractValue: { type: 'regex', regex: SYMBOL_URL_REGEX },
			},
		],
	};
}
