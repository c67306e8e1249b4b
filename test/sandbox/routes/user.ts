/** User endpoints: API key information. */
import { get, type Route } from './route';

export const userRoutes: Route[] = [
	get('/v5/user/query-api', 'private', ({ ex, key }) => {
		const k = key!;
		return {
			id: k.id, note: k.note, apiKey: k.apiKey, readOnly: k.readOnly ? 1 : 0, secret: '', permissions: k.permissions, ips: k.ips, type: 1,
			deadlineDay: -2, expiredAt: '1970-01-01T00:00:00Z', createdAt: new Date(k.createdAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
			unified: 0, uta: 1, userID: ex.uid, inviterID: 0, vipLevel: 'No VIP', mktMakerLevel: '0', affiliateID: 0,
			rsaPublicKey: k.signatureMethod === 'rsa' ? k.publicKey : '', isMaster: true, parentUid: '0', kycLevel: 'LEVEL_1', kycRegion: '',
		};
	}),
];
