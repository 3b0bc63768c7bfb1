// Types of scripts/build-cli.mjs for the TypeScript that imports it (the CLI start-up bench).
export declare const CLI_DIST: string;
export declare const CLI_EXTERNALS: string[];
export declare function buildCli(): Promise<{ ms: number; files: number; bytes: number }>;
export declare function cliBundleFresh(options?: { dist?: string; from?: string }): boolean;
export declare function ensureCliBundle(): Promise<boolean>;
