/**
 * Release wiring (.github/workflows, package.json, CHANGELOG.md): what n8n's verification needs from
 * a published version. n8n requires publishing from GitHub Actions with an npm provenance statement;
 * npm refuses that statement when package.json's repository is not the repository that built it.
 * These read the workflow files as data (YAML); actionlint checks their syntax and expressions
 * (see the report of the change that added them).
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

interface Step {
	name?: string;
	uses?: string;
	run?: string;
	with?: Record<string, unknown>;
}
interface Job {
	permissions?: Record<string, string>;
	strategy?: { matrix?: Record<string, unknown[]> };
	steps: Step[];
}
interface Workflow {
	on: Record<string, { branches?: string[]; tags?: string[] } | null>;
	permissions?: Record<string, string>;
	jobs: Record<string, Job>;
}

const workflow = (name: string): Workflow =>
	parse(readFileSync(join(ROOT, '.github', 'workflows', name), 'utf8')) as Workflow;
const steps = (wf: Workflow): Step[] => Object.values(wf.jobs).flatMap((job) => job.steps);
const runIndex = (all: Step[], re: RegExp) => all.findIndex((s) => typeof s.run === 'string' && re.test(s.run));

describe('CI workflow', () => {
	const ci = workflow('ci.yml');

	it('runs on every push and pull request', () => {
		expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
		expect(ci.on.push?.tags).toBeUndefined();
	});

	it('runs .ci/run on Node 22 and 24, read-only', () => {
		expect(runIndex(steps(ci), /^bash \.ci\/run$/)).toBeGreaterThanOrEqual(0);
		const matrix = Object.values(ci.jobs).map((job) => (job.strategy?.matrix?.node ?? []).map(String));
		expect(matrix).toEqual([['22', '24']]);
		expect(ci.permissions).toEqual({ contents: 'read' });
	});
});

describe('publish workflow', () => {
	const publish = workflow('publish.yml');
	const all = steps(publish);

	it('runs on version tags v* only', () => {
		expect(publish.on).toEqual({ push: { tags: ['v*'] } });
	});

	it('may mint an OIDC token for provenance and only read the repository', () => {
		const permissions = { ...publish.permissions, ...Object.values(publish.jobs)[0].permissions };
		expect(permissions).toEqual({ contents: 'read', 'id-token': 'write' });
	});

	it('publishes with provenance, publicly, after .ci/run and the tag check, on Node 24 against npmjs', () => {
		const publishAt = runIndex(all, /^npm publish --provenance --access public$/);
		expect(publishAt).toBeGreaterThan(runIndex(all, /^bash \.ci\/run$/));
		expect(runIndex(all, /^bash \.ci\/run$/)).toBeGreaterThan(runIndex(all, /GITHUB_REF_NAME" != "v\$version"/));
		expect(runIndex(all, /GITHUB_REF_NAME" != "v\$version"/)).toBeGreaterThanOrEqual(0);
		const setupNode = all.find((s) => s.uses?.startsWith('actions/setup-node@'));
		expect(setupNode?.with).toMatchObject({ 'node-version': '24', 'registry-url': 'https://registry.npmjs.org' });
	});
});

describe('package.json and CHANGELOG.md', () => {
	const repo = /^git\+https:\/\/github\.com\/([\w.-]+\/[\w.-]+?)\.git$/.exec(pkg.repository?.url ?? '')?.[1];

	it('name one GitHub repository everywhere (npm checks it against the provenance)', () => {
		expect(repo).toBeDefined();
		const web = `https://github.com/${repo}`;
		expect(pkg.repository.type).toBe('git');
		expect(pkg.homepage).toBe(`${web}#readme`);
		expect(pkg.bugs).toEqual({ url: `${web}/issues` });
		expect(pkg.author.name).toEqual(expect.any(String));
		expect(pkg.author.email).toMatch(/^[^@\s]+@[^@\s]+\.[a-z]+$/);
		if (pkg.author.url) expect(pkg.author.url).toBe(web);
	});

	it('publish publicly with provenance even from a plain npm publish', () => {
		expect(pkg.publishConfig).toEqual({ access: 'public', provenance: true });
		expect(pkg.license).toBe('MIT');
	});

	it('the CHANGELOG has an entry for the version in package.json', () => {
		const changelog = readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8');
		const escaped = pkg.version.replace(/\./g, '\\.');
		expect(changelog).toMatch(new RegExp(`^## \\[?${escaped}\\]?( |$)`, 'm'));
	});
});
