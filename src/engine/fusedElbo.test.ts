// The fused ELBO's JavaScript loops (WASM without the addon, the CPU backend): what runs on a machine
// without OpenBLAS. The addon's code: ./fusedElbo.native.test.ts. The checks: src/testing/fusedElboChecks.ts.
import { ENGINE_PATHS } from "../testing/enginePaths";
import { describeElboWithoutAddon, describeFusedElbo } from "../testing/fusedElboChecks";

describeFusedElbo(ENGINE_PATHS.filter((p) => !p.native));
describeElboWithoutAddon();
