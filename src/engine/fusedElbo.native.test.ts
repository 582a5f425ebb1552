// The fused ELBO in the addon's code (needs OpenBLAS and the built addon); the same checks as the
// JavaScript loops in ./fusedElbo.test.ts (src/testing/fusedElboChecks.ts).
import { ENGINE_PATHS } from "../testing/enginePaths";
import { describeFusedElbo } from "../testing/fusedElboChecks";
import { skipWithout } from "../testing/guard";
skipWithout(import.meta.url, "openblas");

describeFusedElbo(ENGINE_PATHS.filter((p) => p.native));
