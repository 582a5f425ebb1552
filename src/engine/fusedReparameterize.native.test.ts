// The fused reparameterization in the addon's code (needs OpenBLAS and the built addon); the same checks
// as the JavaScript loops in ./fusedReparameterize.test.ts (src/testing/fusedReparameterizeChecks.ts).
import { ENGINE_PATHS } from "../testing/enginePaths";
import { describeFusedReparameterize } from "../testing/fusedReparameterizeChecks";
import { skipWithout } from "../testing/guard";
skipWithout(import.meta.url, "openblas");

describeFusedReparameterize(ENGINE_PATHS.filter((p) => p.native));
