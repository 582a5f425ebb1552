/**
 * The fixed manifest: every test the grader scores, its points and who sees it. Scores come only
 * from here — a test that did not run, was skipped or crashed scores 0, and nothing a submission
 * does can add a test. Public tests are the exercise's own checks (the learner ran them in the
 * notebook); hidden tests are in ./hidden. Each exercise's points add up to its contract's points
 * (a test of manifest.test.ts keeps them in step).
 */
export type Visibility = "visible" | "after_published" | "hidden" | "after_due_date";

export interface ManifestTest {
  /** Stable id: "<exercise>.<public|hidden>.<slug>". */
  id: string;
  exercise: string;
  suite: "public" | "hidden";
  /** The public check's name, or the hidden check's id. */
  check: string;
  points: number;
  visibility: Visibility;
}

const pub = (exercise: string, slug: string, check: string, points: number): ManifestTest => ({ id: `${exercise}.public.${slug}`, exercise, suite: "public", check, points, visibility: "visible" });
// Hidden tests' results (name, category, hint — never inputs) show once grades are published.
const hid = (exercise: string, check: string, points: number): ManifestTest => ({ id: `${exercise}.hidden.${check}`, exercise, suite: "hidden", check, points, visibility: "after_published" });

export const MANIFEST: readonly ManifestTest[] = Object.freeze([
  pub("reparameterize", "shape", "returns a float32 tensor shaped like mu, without NaN", 0.25),
  pub("reparameterize", "own-eps", "each element of z gets its own eps", 0.25),
  pub("reparameterize", "fresh-eps", "z is random: a fresh eps on every call", 0.25),
  pub("reparameterize", "moments", "z has mean mu and standard deviation exp(½·logVar)", 0.25),
  pub("reparameterize", "normal-eps", "eps is standard normal", 0.25),
  pub("reparameterize", "gradients", "gradients: ∂z/∂mu = 1 and ∂z/∂logVar = ½(z − mu)", 0.25),
  hid("reparameterize", "moments-per-dimension", 1),
  hid("reparameterize", "gradients", 1),
  hid("reparameterize", "one-wide-row", 0.5),

  pub("computeVaeLoss", "returns", "returns { total, recon, kl } as scalar tensors", 0.25),
  pub("computeVaeLoss", "recon", "recon is the mean squared error over all elements", 0.25),
  pub("computeVaeLoss", "kl-prior", "kl is 0 when mu = 0 and logVar = 0", 0.25),
  pub("computeVaeLoss", "kl", "kl is the mean over all elements of ½(mu² + exp(logVar) − logVar − 1)", 0.25),
  pub("computeVaeLoss", "sampled-z", "recon decodes a sampled z, not mu", 0.25),
  pub("computeVaeLoss", "total", "total = recon + beta·kl", 0.25),
  pub("computeVaeLoss", "gradients", "gradients of total reach the encoder and the decoder", 0.25),
  hid("computeVaeLoss", "values-beta", 0.5),
  hid("computeVaeLoss", "beta-zero", 0.5),
  hid("computeVaeLoss", "kl-wide", 0.25),
  hid("computeVaeLoss", "sampled-z", 0.5),
  hid("computeVaeLoss", "gradients", 0.5),

  pub("elbo", "returns", "returns { total, recon, kl } as scalar tensors", 0.25),
  pub("elbo", "recon", "recon is the Bernoulli NLL from logits, summed over pixels, averaged over the batch", 0.25),
  pub("elbo", "kl", "kl is the closed-form KL, summed over latent dimensions, averaged over the batch", 0.25),
  pub("elbo", "total", "total = recon + kl", 0.25),
  pub("elbo", "confident-logits", "stays finite and exact for confident logits (±180)", 0.25),
  pub("elbo", "gradients", "gradients of total reach logits, mu and logVar", 0.25),
  hid("elbo", "values", 1),
  hid("elbo", "saturated-logits", 0.5),
  hid("elbo", "gradients", 1),

  pub("slerp", "ends", "returns z0 at t = 0 and z1 at t = 1", 0.2),
  pub("slerp", "arc", "stays on the arc: constant norm, angle from z0 proportional to t", 0.2),
  pub("slerp", "formula", "follows the formula for codes of different norms", 0.2),
  pub("slerp", "parallel", "falls back to lerp for (nearly) parallel codes, without NaN", 0.2),
  pub("slerp", "degenerate", "falls back to lerp for a zero code and for opposite codes", 0.2),
  hid("slerp", "path", 0.3),
  hid("slerp", "nearly-parallel", 0.25),
  hid("slerp", "degenerate", 0.2),
  hid("slerp", "inputs-unchanged", 0.25),
]);

export const testsOf = (exercise: string) => MANIFEST.filter((t) => t.exercise === exercise);
export const pointsOf = (exercise: string) => testsOf(exercise).reduce((s, t) => s + t.points, 0);
