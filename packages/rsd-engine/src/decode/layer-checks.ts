/** Who proposed a checked token: the draft head, or main's own output of an earlier pass. */
export type ProposalSource = 'draft' | 'main';

/** Checked and kept counts per layer, for one proposal source. Each array is [L]. */
export interface SourceChecks {
  /** Proposed tokens checked by a main pass. */
  readonly tokensChecked: number[];
  /** Of those, kept (equal, within tolerance, or accepted by speculative sampling). */
  readonly tokensKept: number[];
  /** Proposed layers checked (all C·H positions at once). */
  readonly layersChecked: number[];
  /** Of those, kept at every position. */
  readonly layersKept: number[];
}

/**
 * Acceptance by layer, counted apart for draft-proposed tokens and tokens proposed by main's
 * previous pass (SPEC §1.3 statistics). Counts add, so calls and items merge by {@link merge}.
 */
export class LayerChecks {
  readonly draft: SourceChecks;
  readonly main: SourceChecks;

  constructor(readonly L: number) {
    const empty = (): SourceChecks => ({
      tokensChecked: new Array<number>(L).fill(0),
      tokensKept: new Array<number>(L).fill(0),
      layersChecked: new Array<number>(L).fill(0),
      layersKept: new Array<number>(L).fill(0),
    });
    this.draft = empty();
    this.main = empty();
  }

  /** One checked layer `l` of P positions, `kept` of them kept. */
  add(source: ProposalSource, l: number, P: number, kept: number): void {
    const s = this[source];
    s.tokensChecked[l]! += P;
    s.tokensKept[l]! += kept;
    s.layersChecked[l]!++;
    if (kept === P) s.layersKept[l]!++;
  }

  /** Adds another's counts (same L: every array of length L) into this one. */
  merge(other: { readonly draft: SourceChecks; readonly main: SourceChecks }): void {
    const L = other.draft.tokensChecked.length;
    if (L !== this.L) throw new RangeError(`cannot merge layer checks of L=${L} into L=${this.L}`);
    for (const source of ['draft', 'main'] as const) {
      for (const field of ['tokensChecked', 'tokensKept', 'layersChecked', 'layersKept'] as const) {
        const into = this[source][field];
        other[source][field].forEach((v, l) => (into[l]! += v));
      }
    }
  }
}
