'use strict';
/**
 * The headless Chromium that the browser suite (test/ui) and `npm run screenshot` drive with
 * playwright-core. `resolveChromium()` picks, in this order:
 *
 *   1. CHROMIUM=/path/to/chromium (an explicit choice: used as is, an error if it does not exist);
 *   2. Debian's Chromium, /usr/bin/chromium, when it is installed;
 *   3. the headless Chromium inside the dev dependency @sparticuz/chromium (Linux x64): its npm
 *      tarball carries the brotli-compressed binary (bin/chromium.br), the NSS/expat libraries it
 *      links (bin/al2023.tar.br) and a font (bin/fonts.tar.br). They are decompressed once, on first
 *      use, into the cache folder of scripts/runtime.js, never into the repository:
 *        ${N8N_BYBIT_CACHE:-${XDG_CACHE_HOME:-~/.cache}/n8n-nodes-bybit}/chromium-<version>-<arch>/
 *          chromium  lib/  fonts/  fonts.conf  .ok
 *      (written to a temp folder beside it, then renamed: an interrupted or concurrent first run
 *      never leaves half a browser behind).
 *
 * So `npm install` is all the browser needs on Linux x64; elsewhere, install Chromium and set
 * CHROMIUM. `missingChromium()` says why none can be used and how to fix it.
 *
 * The package's own JavaScript (ESM, extracts to fixed /tmp paths, Lambda-specific flags) is not
 * used: only its bin/ files. Plain CommonJS, no dependencies beyond Node.
 */
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const { pipeline } = require('stream/promises');

const { cacheRoot } = require('./runtime');

const PACKAGE = '@sparticuz/chromium';
const DEBIAN_CHROMIUM = '/usr/bin/chromium';
const SYSTEM_FONTS_CONF = '/etc/fonts/fonts.conf';

/**
 * Flags for a closed network: no background requests to Google's hosts (refused here, and looked up
 * at every start otherwise); root needs --no-sandbox.
 */
const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

const FIX =
	'Run `npm install` (on Linux x64 the dev dependency @sparticuz/chromium ships a headless Chromium), ' +
	'or install one and point CHROMIUM at it (`sudo apt-get install chromium` on Debian/Ubuntu is found at /usr/bin/chromium without CHROMIUM), ' +
	'or set BYBIT_SKIP_UI=1 to skip the browser suite.';

/** The installed @sparticuz/chromium: { dir, version, bin }, or undefined when it is not installed. */
function packagedChromium() {
	let main;
	try {
		main = require.resolve(PACKAGE);
	} catch {
		return undefined;
	}
	let dir = path.dirname(main);
	while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
	const { version } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
	const bin = path.join(dir, 'bin');
	if (!fs.existsSync(path.join(bin, 'chromium.br'))) return undefined;
	return { dir, version, bin };
}

/** Where the packaged browser is (or will be) decompressed. */
function packagedDir(version) {
	return path.join(cacheRoot(), `chromium-${version}-${process.arch}`);
}

/** Why no Chromium can be used here (with the fix), or undefined when one can. */
function missingChromium() {
	if (process.env.CHROMIUM) {
		return fs.existsSync(process.env.CHROMIUM) ? undefined : `CHROMIUM=${process.env.CHROMIUM} does not exist. ${FIX}`;
	}
	if (fs.existsSync(DEBIAN_CHROMIUM)) return undefined;
	if (process.platform !== 'linux' || process.arch !== 'x64') {
		return `No Chromium found: ${DEBIAN_CHROMIUM} does not exist, and ${PACKAGE} ships Chromium for Linux x64 only (this is ${process.platform} ${process.arch}). ${FIX}`;
	}
	if (!packagedChromium()) return `No Chromium found: ${DEBIAN_CHROMIUM} does not exist and the dev dependency ${PACKAGE} is not installed. ${FIX}`;
	return undefined;
}

/** Decompresses a brotli file to `out`. */
async function unbrotli(file, out, mode) {
	await pipeline(fs.createReadStream(file, { highWaterMark: 1 << 22 }), zlib.createBrotliDecompress({ chunkSize: 1 << 21 }), fs.createWriteStream(out, { mode }));
}

/** Extracts a brotli-compressed tar of plain files and folders (the package's bin/*.tar.br) into `dest`. */
function untarBrotli(file, dest) {
	const tar = zlib.brotliDecompressSync(fs.readFileSync(file));
	const field = (h, start, len) => h.subarray(start, start + len).toString('utf8').replace(/\0.*$/s, '');
	for (let off = 0; off + 512 <= tar.length; ) {
		const h = tar.subarray(off, off + 512);
		if (h.every((b) => b === 0)) break;
		const name = [field(h, 345, 155), field(h, 0, 100)].filter(Boolean).join('/');
		const size = parseInt(field(h, 124, 12).trim() || '0', 8);
		const mode = parseInt(field(h, 100, 8).trim() || '644', 8) & 0o777;
		const type = String.fromCharCode(h[156] || 48);
		const target = path.resolve(dest, name);
		if (target !== dest && !target.startsWith(dest + path.sep)) throw new Error(`${file}: entry ${name} points outside ${dest}`);
		if (type === '5') fs.mkdirSync(target, { recursive: true });
		else if (type === '0') {
			fs.mkdirSync(path.dirname(target), { recursive: true });
			fs.writeFileSync(target, tar.subarray(off + 512, off + 512 + size), { mode });
		} else if (type !== 'x' && type !== 'g') throw new Error(`${file}: entry ${name} has tar type ${type}, which this extractor does not handle`);
		off += 512 + Math.ceil(size / 512) * 512;
	}
}

/** Decompresses the packaged browser into the cache once; resolves to its folder. */
async function ensurePackaged(pkg, log) {
	const dir = packagedDir(pkg.version);
	if (fs.existsSync(path.join(dir, '.ok'))) return dir;
	const t0 = Date.now();
	log(`decompressing ${PACKAGE} ${pkg.version} (headless Chromium) into ${dir} (once)...`);
	fs.mkdirSync(path.dirname(dir), { recursive: true });
	if (fs.existsSync(dir) && !fs.existsSync(path.join(dir, '.ok'))) fs.rmSync(dir, { recursive: true, force: true }); // a stray copy without .ok
	const tmp = fs.mkdtempSync(`${dir}.tmp-`);
	fs.chmodSync(tmp, 0o755);
	try {
		await unbrotli(path.join(pkg.bin, 'chromium.br'), path.join(tmp, 'chromium'), 0o755);
		untarBrotli(path.join(pkg.bin, 'al2023.tar.br'), tmp); // lib/: libnss3, libnspr4, libexpat... for machines without them
		untarBrotli(path.join(pkg.bin, 'fonts.tar.br'), tmp); // fonts/: Open Sans, for machines without fontconfig's fonts
		fs.writeFileSync(path.join(tmp, 'fonts.conf'), `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${path.join(dir, 'fonts')}</dir>\n  <cachedir>${path.join(dir, 'fonts-cache')}</cachedir>\n</fontconfig>\n`);
		fs.writeFileSync(path.join(tmp, '.ok'), JSON.stringify({ package: PACKAGE, version: pkg.version, ms: Date.now() - t0 }) + '\n');
		try {
			fs.renameSync(tmp, dir);
		} catch (err) {
			if (!fs.existsSync(path.join(dir, '.ok'))) throw err; // else another process finished first: use its copy
		}
	} finally {
		fs.rmSync(tmp, { recursive: true, force: true });
	}
	log(`decompressed in ${Date.now() - t0} ms`);
	return dir;
}

/**
 * The browser to launch: { executablePath, args, env, source }. `env` is the environment for the
 * browser process (the packaged one gets its libraries, and its font when the machine has none).
 */
async function resolveChromium(log = () => undefined) {
	const missing = missingChromium();
	if (missing) throw new Error(missing);
	const base = { args: [...CHROMIUM_ARGS], env: { ...process.env } };
	if (process.env.CHROMIUM) return { ...base, executablePath: process.env.CHROMIUM, source: 'CHROMIUM' };
	if (fs.existsSync(DEBIAN_CHROMIUM)) return { ...base, executablePath: DEBIAN_CHROMIUM, source: 'debian' };
	const pkg = packagedChromium();
	const dir = await ensurePackaged(pkg, log);
	const env = base.env;
	env.LD_LIBRARY_PATH = [path.join(dir, 'lib'), env.LD_LIBRARY_PATH].filter(Boolean).join(':');
	if (!env.FONTCONFIG_FILE && !env.FONTCONFIG_PATH && !fs.existsSync(SYSTEM_FONTS_CONF)) env.FONTCONFIG_FILE = path.join(dir, 'fonts.conf');
	return { ...base, env, executablePath: path.join(dir, 'chromium'), source: `${PACKAGE}@${pkg.version}` };
}

module.exports = { CHROMIUM_ARGS, DEBIAN_CHROMIUM, missingChromium, packagedDir, resolveChromium };
