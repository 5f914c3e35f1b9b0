/** What the training loop reports while it runs and after each epoch. */

export interface TrainProgress {
  /** 0-based epoch running. */
  readonly epoch: number;
  readonly epochs: number;
  /** Batches completed in this epoch (1-based count). */
  readonly batch: number;
  readonly batches: number;
  /** Mean cross-entropy over the batches of this epoch so far. */
  readonly loss: number;
  /** Training accuracy over the images of this epoch so far (training-mode forward pass). */
  readonly accuracy: number;
  /** λ·R(γ) at the last step (0 without a regularizer; can be negative for polarization). */
  readonly sparsityLoss: number;
  readonly learningRate: number;
  /** Images per second over this call of `fit` so far. */
  readonly imagesPerSecond: number;
  /** Seconds left in this call of `fit`, at the rate so far. */
  readonly etaSeconds: number;
}

export interface EpochSummary {
  readonly epoch: number;
  readonly learningRate: number;
  /** Mean cross-entropy over the epoch's batches. */
  readonly loss: number;
  readonly accuracy: number;
  /** Mean λ·R(γ) over the epoch's steps. */
  readonly sparsityLoss: number;
  readonly images: number;
  readonly seconds: number;
  readonly imagesPerSecond: number;
  /** Present when the fit was given an evaluation source. */
  readonly evaluation?: { readonly loss: number; readonly accuracy: number; readonly images: number };
}
