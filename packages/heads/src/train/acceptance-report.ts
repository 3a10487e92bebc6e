/** How well the draft agrees with the main head's greedy decoding (exact-mode acceptance). */
export interface AcceptanceReport {
  /** [k]: share of positions (sample × C × H) where the draft token equals main's greedy token. */
  readonly positionAgreement: number[];
  /** [k]: share of samples whose whole layer j agrees (what exact mode needs to accept it). */
  readonly layerAgreement: number[];
  /** [k]: share of samples that accept layer j given layers < j were accepted. */
  readonly conditionalAcceptance: number[];
  /** Mean number of leading layers accepted in exact mode (0..k). */
  readonly expectedAcceptedLayers: number;
  /** Mean main passes per decode in exact RSD: max(1, L − accepted). Baseline needs L. */
  readonly expectedMainPasses: number;
  /** L / expectedMainPasses: decode speedup in main passes (draft cost not counted). */
  readonly mainPassSpeedup: number;
}

/**
 * Compares draft tokens int32 [N, C, H, k] with main greedy tokens int32 [N, C, H, L]
 * (P = C·H positions per layer).
 */
export function acceptanceReport(
  draft: Int32Array,
  greedy: Int32Array,
  N: number,
  P: number,
  k: number,
  L: number,
): AcceptanceReport {
  if (draft.length !== N * P * k)
    throw new RangeError(`draft must be [N=${N}, P=${P}, k=${k}], got ${draft.length} values`);
  if (greedy.length !== N * P * L)
    throw new RangeError(`greedy must be [N=${N}, P=${P}, L=${L}], got ${greedy.length} values`);
  const posAgree = new Array<number>(k).fill(0);
  const layerAgree = new Array<number>(k).fill(0);
  const reached = new Array<number>(k).fill(0);
  const acceptedAt = new Array<number>(k).fill(0);
  let acceptedSum = 0;
  let passesSum = 0;
  for (let n = 0; n < N; n++) {
    let accepted = 0;
    let stillAccepting = true;
    for (let j = 0; j < k; j++) {
      let all = true;
      for (let p = 0; p < P; p++) {
        const same = draft[(n * P + p) * k + j] === greedy[(n * P + p) * L + j];
        if (same) posAgree[j]!++;
        else all = false;
      }
      if (all) layerAgree[j]!++;
      if (stillAccepting) {
        reached[j]!++;
        if (all) {
          acceptedAt[j]!++;
          accepted++;
        } else stillAccepting = false;
      }
    }
    acceptedSum += accepted;
    passesSum += Math.max(1, L - accepted);
  }
  const expectedMainPasses = passesSum / N;
  return {
    positionAgreement: posAgree.map((c) => c / (N * P)),
    layerAgreement: layerAgree.map((c) => c / N),
    conditionalAcceptance: acceptedAt.map((c, j) => (reached[j]! === 0 ? 0 : c / reached[j]!)),
    expectedAcceptedLayers: acceptedSum / N,
    expectedMainPasses,
    mainPassSpeedup: L / expectedMainPasses,
  };
}
