/**
 * scripts/chromium.js: which Chromium the browser suite and `npm run screenshot` launch, where the
 * packaged one is decompressed, and that a missing browser names the fix. No browser is started here.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { DEBIAN_CHROMIUM, missingChromium, packagedDir, resolveChromium } from '../../scripts/chromium';

const REPO = path.resolve(__dirname, '..', '..');
const saved = { CHROMIUM: process.env.CHROMIUM, N8N_BYBIT_CACHE: process.env.N8N_BYBIT_CACHE };

afterEach(() => {
	for (const [k, v] of Object.entries(saved)) {
		if (v === undefined) delete process.env[k];
		else process.env[k] = v;
	}
});

describe('scripts/chromium.js', () => {
	test('CHROMIUM wins over every other browser and is launched as is', async () => {
		process.env.CHROMIUM = process.execPath; // any existing file
		expect(missingChromium()).toBeUndefined();
		const c = await resolveChromium();
		expect(c).toMatchObject({ executablePath: process.execPath, source: 'CHROMIUM' });
		expect(c.args).toEqual(expect.arrayContaining(['--no-sandbox', '--disable-background-networking', '--disable-component-update']));
	});

	test('a CHROMIUM that does not exist fails with the fix (npm install, CHROMIUM, BYBIT_SKIP_UI)', async () => {
		process.env.CHROMIUM = path.join(os.tmpdir(), 'no-such-chromium');
		const missing = missingChromium();
		expect(missing).toContain('no-such-chromium does not exist');
		expect(missing).toContain('`npm install`');
		expect(missing).toContain('@sparticuz/chromium');
		expect(missing).toContain('BYBIT_SKIP_UI=1');
		await expect(resolveChromium()).rejects.toThrow(missing);
	});

	test("without CHROMIUM: Debian's Chromium when installed, else the dev dependency's (Linux x64)", () => {
		delete process.env.CHROMIUM;
		if (fs.existsSync(DEBIAN_CHROMIUM) || (process.platform === 'linux' && process.arch === 'x64')) expect(missingChromium()).toBeUndefined();
		else expect(missingChromium()).toContain('Linux x64 only');
	});

	test("the packaged browser is decompressed into the runtime's cache folder, outside the repository", () => {
		delete process.env.N8N_BYBIT_CACHE;
		expect(path.relative(REPO, packagedDir('1.2.3')).startsWith('..')).toBe(true);
		process.env.N8N_BYBIT_CACHE = path.join(os.tmpdir(), 'bybit-cache');
		expect(packagedDir('1.2.3')).toBe(path.join(os.tmpdir(), 'bybit-cache', `chromium-1.2.3-${process.arch}`));
	});
});
