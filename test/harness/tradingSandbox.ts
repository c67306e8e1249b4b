/**
 * Per-test set-up for order and sizing tests: caches and limiter cleared, a
 * fresh sandbox with BTCUSDT at 65,000 (last, mark, index), and the
 * credential that points at it; the sandbox is closed after each test.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { clearPositionModeCache } from '../../nodes/Bybit/actions/positionIdx';
import { clearInstrumentCache } from '../../nodes/Bybit/trading/instruments';
import { resetRateLimiter } from '../../nodes/Bybit/transport/rateLimiter';
import { startSandbox, type Sandbox } from '../sandbox';
import { sandboxCredentials } from './execute';

export function useTradingSandbox(set: (sandbox: Sandbox, credentials: ICredentialDataDecryptedObject) => void): void {
	let current: Sandbox | undefined;
	beforeEach(async () => {
		resetRateLimiter();
		clearInstrumentCache();
		clearPositionModeCache();
		current = await startSandbox({ port: 0, rateLimits: false });
		current.control.setPrice('BTCUSDT', { last: '65000', mark: '65000', index: '65000' });
		set(current, sandboxCredentials(current.restUrl, current.control.defaultKey.apiKey, current.control.defaultKey.secret));
	});
	afterEach(async () => await current?.close());
}
