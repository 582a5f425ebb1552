// The fused reparameterization's JavaScript loops (WASM without the addon, the CPU backend): what runs
// on a machine without OpenBLAS. The addon's code: ./fusedReparameterize.native.test.ts. The checks:
// src/testing/fusedReparameterizeChecks.ts.
import { ENGINE_PATHS } from "../testing/enginePaths";
import { describeFusedReparameterize } from "../testing/fusedReparameterizeChecks";

describeFusedReparameterize(ENGINE_PATHS.filter((p) => !p.native));
