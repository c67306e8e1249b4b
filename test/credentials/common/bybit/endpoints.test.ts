/**
 * Environments as data, reused by the node without a credential (REST) and
 * the trigger's market mode (public streams).
 */
import { ENVIRONMENTS, environmentOptions, publicStreamHosts, restBaseUrl, wsPublicUrl } from '../../../../credentials/common/bybit/endpoints';
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
