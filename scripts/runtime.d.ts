/** Types for scripts/runtime.js (plain CommonJS, used by scripts/start.js and test/e2e). */
/** The n8n this process prepares and runs: $N8N_VERSION, else DEFAULT_N8N_VERSION. */
export declare const N8N_VERSION: string;
/** Its major version (1 or 2). */
export declare const N8N_MAJOR: number;
export declare const DEFAULT_N8N_VERSION: string;
/** The newest n8n 1.123.x that installs from the registry here. */
export declare const N8N_1X_VERSION: string;
export declare const TESTED_N8N_VERSIONS: string[];
export declare const NODE_VERSION: string;
export declare const REPO_ROOT: string;
export declare const PACKAGE_NAME: string;

export interface Runtime {
	dir: string;
	nodeBin: string;
	n8nBin: string;
	/** true when the cached runtime was already complete */
	reused: boolean;
	timings: { installMs?: number; sqliteMs?: number };
}

export interface N8nRun {
	code: number;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

export declare function cacheRoot(): string;
export declare function runtimeDir(): string;
export declare function nodeBin(): string;
export declare function n8nBin(): string;
export declare function isReady(): boolean;
export declare function ensureRuntime(options?: { force?: boolean }): Promise<Runtime>;
export declare function installPackage(userFolder: string, repoRoot?: string): string;
export declare function n8nEnv(userFolder: string, port: number, extra?: Record<string, string>): NodeJS.ProcessEnv;
export declare function runN8n(args: string[], env: NodeJS.ProcessEnv, opts?: { cwd?: string; timeoutMs?: number }): Promise<N8nRun>;
export declare function parseExecuteOutput(stdout: string): unknown;
