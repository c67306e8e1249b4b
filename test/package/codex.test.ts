/**
 * The codex files (nodes/<Node>/<Node>.node.json) n8n reads for the nodes panel: search aliases,
 * category and subcategory, and the documentation links of the node and its credential. n8n's
 * loader (n8n-core DirectoryLoader.getCodex) takes categories, subcategories, alias and
 * resources.{primaryDocumentation, credentialDocumentation}; the first link of each is the one the
 * editor opens, so it must point at this package's README, at a heading that exists.
 */
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import type { INodeType } from 'n8n-workflow';

import { Bybit } from '../../nodes/Bybit/Bybit.node';
import { BybitTrigger } from '../../nodes/BybitTrigger/BybitTrigger.node';

const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

// docs.n8n.io, "Node codex files": the categories of the nodes panel.
const CATEGORIES = [
	'Data & Storage',
	'Finance & Accounting',
	'Marketing & Content',
	'Productivity',
	'Miscellaneous',
	'Sales',
	'Development',
	'Analytics',
	'Communication',
	'Utility',
];

interface DocLink {
	url: string;
}
interface Codex {
	node: string;
	nodeVersion: string;
	codexVersion: string;
	categories: string[];
	subcategories?: Record<string, string[]>;
	alias?: string[];
	resources: { primaryDocumentation?: DocLink[]; credentialDocumentation?: DocLink[] };
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens, -1, -2 for repeats. */
function readmeAnchors(markdown: string): Set<string> {
	const anchors = new Set<string>();
	const seen = new Map<string, number>();
	let fenced = false;
	for (const line of markdown.split('\n')) {
		if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
		const heading = fenced ? null : /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
		if (!heading) continue;
		const text = heading[1].replace(/`/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
		const slug = text.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
		const n = seen.get(slug) ?? 0;
		seen.set(slug, n + 1);
		anchors.add(n === 0 ? slug : `${slug}-${n}`);
	}
	return anchors;
}

const repoUrl = String(pkg.homepage).replace(/#.*$/, '');
const anchors = readmeAnchors(README);

const nodes: Array<{ file: string; type: INodeType; aliases: string[] }> = [
	{
		file: 'nodes/Bybit/Bybit.node.json',
		type: new Bybit(),
		aliases: ['crypto', 'exchange', 'trading', 'futures', 'btc', 'tradingview'],
	},
	{
		file: 'nodes/BybitTrigger/BybitTrigger.node.json',
		type: new BybitTrigger(),
		aliases: ['crypto', 'exchange', 'trading', 'futures', 'btc'],
	},
];

describe('codex files', () => {
	it('exist for every node package.json registers, and for nothing else', () => {
		const registered = (pkg.n8n.nodes as string[]).map((p) => p.replace(/^dist\//, '').replace(/\.js$/, '.json'));
		expect(registered.sort()).toEqual(nodes.map((n) => n.file).sort());
		for (const file of registered) expect(existsSync(join(ROOT, file))).toBe(true);
	});

	describe.each(nodes)('$file', ({ file, type, aliases }) => {
		const codex: Codex = JSON.parse(readFileSync(join(ROOT, file), 'utf8'));

		it('names the node as n8n registers it (<package>.<description.name>) with its version', () => {
			expect(codex.node).toBe(`${pkg.name}.${type.description.name}`);
			const versions = ([] as number[]).concat(type.description.version);
			expect(versions.map((v) => v.toFixed(1))).toContain(codex.nodeVersion);
			expect(codex.codexVersion).toBe('1.0');
		});

		it('uses nodes-panel categories, with subcategories under them', () => {
			expect(codex.categories.length).toBeGreaterThan(0);
			for (const category of codex.categories) expect(CATEGORIES).toContain(category);
			expect(codex.subcategories).toBeDefined();
			for (const [category, subs] of Object.entries(codex.subcategories ?? {})) {
				expect(codex.categories).toContain(category);
				expect(subs.length).toBeGreaterThan(0);
			}
		});

		it('has the search aliases users type', () => {
			const have = (codex.alias ?? []).map((a) => a.toLowerCase());
			expect(have).toEqual(expect.arrayContaining(aliases));
			expect(new Set(have).size).toBe(have.length);
		});

		it.each(['primaryDocumentation', 'credentialDocumentation'] as const)(
			'%s opens this package\'s README at an existing heading first',
			(kind) => {
				const links = codex.resources[kind] ?? [];
				expect(links.length).toBeGreaterThan(0);
				for (const { url } of links) expect(new URL(url).protocol).toBe('https:');
				const [page, anchor] = links[0].url.split('#');
				expect(page).toBe(repoUrl);
				expect([...anchors]).toContain(anchor);
			},
		);
	});
});

describe('the README anchor rule', () => {
	it('follows GitHub: punctuation dropped, code spans unwrapped, repeats numbered, fences skipped', () => {
		const md = '# Operations (Bybit node)\n## `npm start` & more\n```\n# not a heading\n```\n## Setup\n## Setup\n';
		expect([...readmeAnchors(md)]).toEqual(['operations-bybit-node', 'npm-start--more', 'setup', 'setup-1']);
	});
});
