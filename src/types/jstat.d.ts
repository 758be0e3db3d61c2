/** The part of jStat (no bundled typings) the experiment statistics use. */
declare module 'jstat' {
  interface Distribution {
    pdf(x: number, a: number, b: number): number;
    cdf(x: number, a: number, b: number): number;
    inv(p: number, a: number, b: number): number;
  }
  export const jStat: {
    normal: Distribution;
    beta: Distribution;
    chisquare: { cdf(x: number, dof: number): number };
  };
}
