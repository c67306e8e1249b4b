/**
 * Environments as data, reused by the node without a credential (REST) and
 * the trigger's market mode (public streams).
 */
import fc from 'fast-check';

import { compareNames, ENVIRONMENTS, environmentOptions, publicStreamHosts, restBaseUrl, wsPublicUrl } from '../../../../credentials/common/bybit/endpoints';
import { BybitTrigger } from '../../../../nodes/BybitTrigger/BybitTrigger.node';

describe('environment tables', () => {
	it('environmentOptions lists every preset and Custom, sorted by name', () => {
		const options = environmentOptions();
		expect(options.map((o) => o.value).sort()).toEqual([...Object.keys(ENVIRONMENTS), 'custom'].sort());
		expect(options.map((o) => o.name)).toEqual([...options.map((o) => o.name)].sort((a, b) => a.localeCompare(b)));
		for (const { value } of options) if (value !== 'custom') expect(restBaseUrl({ environment: value })).toBe(ENVIRONMENTS[value as keyof typeof ENVIRONMENTS].rest);
	});

	it('the trigger\'s Public Host keeps its values and offers the regional public streams', () => {
		const param = new BybitTrigger().description.properties.find((p) => p.name === 'publicHost')!;
		const options = param.options as Array<{ name: string; value: string }>;
		expect(options).toEqual(expect.arrayContaining([
			{ name: 'Custom URL', value: 'custom' },
			{ name: 'Mainnet (Stream.bybit.com)', value: 'mainnet' },
			{ name: 'Testnet (Stream-Testnet.bybit.com)', value: 'testnet' },
			{ name: 'Turkey (Stream.bybit.tr)', value: 'turkey' },
		]));
		expect(param.default).toBe('mainnet');
		for (const { value } of publicStreamHosts()) {
			expect(wsPublicUrl({ environment: value }, 'linear')).toBe(`${ENVIRONMENTS[value].wsPublic}/v5/public/linear`);
		}
		// the trigger passes the value as the environment: an unknown saved value means mainnet, as before
		expect(wsPublicUrl({ environment: 'moon' }, 'spot')).toBe('wss://stream.bybit.com/v5/public/spot');
	});
});

describe('compareNames (sorting description options without setting up a collator at load)', () => {
	const name = (chars: string) => fc.array(fc.constantFrom(...chars.split('')), { maxLength: 8 }).map((a) => a.join(''));

	it('orders like localeCompare: names of letters, digits and spaces, and names with any other characters', () => {
		fc.assert(
			fc.property(name('aAbByYzZ019 '), name('aAbByYzZ019 '), (a, b) => Math.sign(compareNames(a, b)) === Math.sign(a.localeCompare(b))),
			{ numRuns: 20_000 },
		);
		const ascii = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
		fc.assert(
			fc.property(name(`aAbZ09 ()-._/,:&${ascii}→É\u00e9\t`), name(`aAbZ09 ()-._/,:&${ascii}→É\u00e9\t`), (a, b) => Math.sign(compareNames(a, b)) === Math.sign(a.localeCompare(b))),
			{ numRuns: 50_000 },
		);
		fc.assert(
			fc.property(name('aAZ0 (-_,/'), name('aAZ0 (-_,/'), (a, b) => Math.sign(compareNames(a, b)) === Math.sign(a.localeCompare(b))),
			{ numRuns: 50_000 },
		);
	});

	it('decides plain names by itself, without localeCompare', () => {
		const spy = jest.spyOn(String.prototype, 'localeCompare');
		try {
			expect(['Sell', 'buy', 'Buy Side', 'USDC', 'Unified', 'Take Profit 2'].sort(compareNames)).toEqual(['buy', 'Buy Side', 'Sell', 'Take Profit 2', 'Unified', 'USDC']);
			expect(spy).not.toHaveBeenCalled();
			expect(compareNames('Mainnet (Bytick Host)', 'Mainnet')).toBeGreaterThan(0);
			expect(compareNames('TP Limit Price', 'TP/SL Mode')).toBeLessThan(0);
			expect(compareNames('BONUS_RECOLLECT', 'BONUS')).toBeGreaterThan(0);
			expect(spy).not.toHaveBeenCalled();
		} finally {
			spy.mockRestore();
		}
	});
});
