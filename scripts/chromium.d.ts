/** Types for scripts/chromium.js (plain CommonJS, used by scripts/screenshot.js and test/ui). */
export declare const CHROMIUM_ARGS: readonly string[];
export declare const DEBIAN_CHROMIUM: string;

export interface ResolvedChromium {
	executablePath: string;
	args: string[];
	/** the environment for the browser process */
	env: NodeJS.ProcessEnv;
	/** 'CHROMIUM', 'debian' or '@sparticuz/chromium@<version>' */
	source: string;
}

export declare function missingChromium(): string | undefined;
export declare function packagedDir(version: string): string;
export declare function resolveChromium(log?: (msg: string) => void): Promise<ResolvedChromium>;
