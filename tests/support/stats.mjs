// Figures for the benchmarks (tests/bench): quantiles of samples, and the panel's record count.

/** The q-quantile of xs (0 ≤ q ≤ 1), interpolated between the two nearest samples. */
export const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  return s[Math.floor(i)] + (s[Math.ceil(i)] - s[Math.floor(i)]) * (i - Math.floor(i));
};

export const median = (xs) => quantile(xs, 0.5);

/** The panel toolbar's count ("N records" or "shown / N"): the last number is every record held. */
export const recordCount = (panel) =>
  panel.$eval('[data-testid="record-count"]', (e) => Number(e.textContent.replace(/[^0-9/ ]/g, '').trim().split(/\s+/).pop()));
