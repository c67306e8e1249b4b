/** Conformance: market extras, system status and announcements (signed here; unsigned in public.test.ts). */
import { rl } from '../../../harness/execute';
import type { CaseGroup } from './case';

const BTC = rl('BTCUSDT');

export const marketExtrasCases: CaseGroup = () => [
	{ op: 'market.getOrderPriceLimit', params: { category: 'linear', symbol: BTC }, wire: { category: 'linear', symbol: 'BTCUSDT' } },
	{ op: 'market.getOrderPriceLimit', params: { category: 'option', symbol: BTC }, error: /"category" must be one of inverse, linear, spot/ },
	{ op: 'market.getAdlAlert', params: {}, absent: ['symbol'], min: 3 },
	{ op: 'market.getAdlAlert', params: { additionalFields: { symbol: 'BTCUSDT' } }, wire: { symbol: 'BTCUSDT' } },
	{ op: 'market.getRpiOrderbook', params: { category: 'spot', symbol: BTC, limit: 80 }, wire: { category: 'spot', symbol: 'BTCUSDT', limit: '50' } },
	{ op: 'market.getRpiOrderbook', params: { category: 'linear', symbol: BTC, limit: 3 }, wire: { limit: '3' } },
	{ op: 'market.getIndexComponents', params: { indexName: 'BTCUSDT' }, wire: { indexName: 'BTCUSDT' } },
	{ op: 'market.getIndexComponents', params: { indexName: '' }, error: /"indexName" is required/ },
	{ op: 'market.getFeeGroupInfo', params: { productType: 'contract' }, wire: { productType: 'contract' }, min: 4 },
	{ op: 'market.getFeeGroupInfo', params: { productType: 'contract', additionalFields: { groupId: '1' } }, wire: { groupId: '1' }, min: 1 },
	{ op: 'market.getNewDeliveryPrice', params: { baseCoin: 'BTC' }, wire: { category: 'option', baseCoin: 'BTC' }, min: 50 },
	{ op: 'market.getNewDeliveryPrice', params: { baseCoin: 'BTC', additionalFields: { settleCoin: 'USDC' } }, wire: { settleCoin: 'USDC' } },
	{ op: 'market.getSystemStatus', params: {}, absent: ['output'] },
	{ op: 'market.getSystemStatus', params: { output: 'rows', additionalFields: { state: 'completed' } }, wire: { state: 'completed' }, absent: ['output'], min: 2 },
	{ op: 'market.getSystemStatus', params: { output: 'rows', additionalFields: { state: 'down' } }, error: /"state" must be one of canceled, completed, ongoing, scheduled/ },
	{ op: 'market.getAnnouncements', params: { locale: 'en-US', returnAll: true }, wire: { locale: 'en-US', limit: '20', page: '2' }, min: 25 },
	{ op: 'market.getAnnouncements', params: { locale: 'en-US', returnAll: false, limit: 3, additionalFields: { type: 'new_crypto', tag: 'Spot' } }, wire: { type: 'new_crypto', tag: 'Spot', limit: '3', page: '1' }, min: 3 },
];
