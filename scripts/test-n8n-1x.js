#!/usr/bin/env node
'use strict';
/**
 * The real-n8n suites once more, on the n8n 1.x line (`npm test` runs this after the whole jest run
 * on the default n8n 2.41.1; `npm run test:e2e:1x` runs it alone):
 *
 *   N8N_VERSION=<runtime.N8N_1X_VERSION> jest --runInBand <SUITES>
 *
 * scripts/runtime.js prepares that n8n in its own cache folder the first time (~6 min), and
 * test/e2e/n8nLine.ts adapts the suites to the line. Skipped with BYBIT_SKIP_E2E=1 (all real-n8n
 * suites) or BYBIT_SKIP_N8N_1X=1 (this pass only). Extra arguments go to jest.
 */
const path = require('path');
const { spawnSync } = require('child_process');

const runtime = require('./runtime');

const SUITES = ['test/e2e/n8n.e2e.test.ts', 'test/e2e/trigger-restart.e2e.test.ts', 'test/e2e/agent.e2e.test.ts'];

function say(msg) {
	process.stdout.write(`[n8n 1.x] ${msg}\n`);
}

if (process.env.BYBIT_SKIP_E2E || process.env.BYBIT_SKIP_N8N_1X) {
	say(`skipped (${process.env.BYBIT_SKIP_E2E ? 'BYBIT_SKIP_E2E' : 'BYBIT_SKIP_N8N_1X'} is set)`);
	process.exit(0);
}

const version = runtime.N8N_1X_VERSION;
const t0 = Date.now();
say(`running ${SUITES.map((s) => path.basename(s)).join(', ')} on n8n ${version}`);
const jest = require.resolve('jest/bin/jest');
const r = spawnSync(process.execPath, [jest, '--runInBand', ...SUITES, ...process.argv.slice(2)], {
	cwd: runtime.REPO_ROOT,
	stdio: 'inherit',
	env: { ...process.env, N8N_VERSION: version },
});
say(`${r.status === 0 ? 'passed' : 'FAILED'} on n8n ${version} in ${Math.round((Date.now() - t0) / 1000)} s`);
process.exit(r.status === null ? 1 : r.status);
