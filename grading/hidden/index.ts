/** The hidden suites, by exercise id. */
import { activeUnitsHidden } from "./activeUnits";
import { betaScheduleHidden } from "./betaSchedule";
import { centroidDirectionHidden } from "./centroidDirection";
import { computeVaeLossHidden } from "./computeVaeLoss";
import { elboHidden } from "./elbo";
import { reparameterizeHidden } from "./reparameterize";
import { slerpHidden } from "./slerp";
import type { HiddenSuite } from "./types";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyHiddenSuite = HiddenSuite<any, any>;

export const hiddenSuites: Record<string, AnyHiddenSuite> = {
  reparameterize: reparameterizeHidden,
  computeVaeLoss: computeVaeLossHidden,
  elbo: elboHidden,
  slerp: slerpHidden,
  betaSchedule: betaScheduleHidden,
  activeUnits: activeUnitsHidden,
  centroidDirection: centroidDirectionHidden,
};
