// Types for the parts of ml-cart (no bundled types) that tests and benches of the patched split search use.
declare module 'ml-cart' {
  export class DecisionTreeRegression {
    /** `fastSplit: false` selects the original exhaustive split search (kept by our patch for comparison). */
    constructor(options?: { maxDepth?: number; minNumSamples?: number; fastSplit?: boolean });
    train(trainingSet: number[][], trainingValues: number[]): void;
    predict(toPredict: number[][]): number[];
    toJSON(): { options: Record<string, unknown>; root: unknown; name: 'DTRegression' };
  }
}
