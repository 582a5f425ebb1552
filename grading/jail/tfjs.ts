/**
 * What "@tensorflow/tfjs" means inside the jail's runner bundle: TensorFlow.js core, its gradients, chained ops and its CPU
 * backend (the WASM backend is added by the runner). The exercises, the library parts the runner
 * uses and learners' solution cells need only core ops; leaving out layers, converter and data
 * halves the bundle and the child's start-up (~0.22 s → ~0.12 s measured, per submission).
 */
export * from "@tensorflow/tfjs-core";
// As @tensorflow/tfjs's own index does: the gradients are registered by a side-effect import.
import "@tensorflow/tfjs-core/dist/register_all_gradients";
import "@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops"; // mu.add(…), x.square()
import "@tensorflow/tfjs-backend-cpu";
