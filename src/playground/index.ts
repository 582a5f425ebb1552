/**
 * The playground behind `npm start`: from a trained (or loaded) MNIST job to the HTML page that the
 * server serves and `--export` writes. Modules: data.ts (what the page shows), page.ts and views/
 * (the HTML), client.ts (the page's script), server.ts (HTTP), export.ts (the offline file).
 */
import type { MnistJobResult } from "../mnistJob";
import { navigatorData, navigatorHtml } from "../navigator";
import { playgroundData, type PlaygroundData } from "./data";
import { readExperimentResults } from "./experiments";
import { playgroundPage } from "./page";
import { NAVIGATOR_ID } from "./views/navigator";

export { createPlaygroundServer, listen, closeServer, isLoopback, loopbackHostNames, serverUrl } from "./server";
export { writeExport } from "./export";
export type { PlaygroundData } from "./data";
export { NAVIGATOR_ID } from "./views/navigator";
export { VIEWS } from "./page";

/** The playground page for a job's model and held-out data. */
export function playgroundHtml(
  job: MnistJobResult,
  backend: string,
  options: { experimentsFile?: string } = {},
): { html: string; data: PlaygroundData } {
  const data = playgroundData({
    model: job.model,
    settings: job.settings,
    test: job.data.test,
    dataSource: job.data.source,
    backend,
    loaded: job.loaded,
    trainSeconds: job.trainSeconds,
    heldOut: job.heldOut,
    history: job.history,
    heldOutHistory: job.heldOutHistory,
    experiments: readExperimentResults(options.experimentsFile),
  });
  const test = job.data.test;
  const navigator = navigatorHtml(navigatorData(job.model, test.images, test.labels, { classNames: test.classNames }), {
    id: NAVIGATOR_ID,
    title: "Latent navigator",
  });
  return { html: playgroundPage(data, navigator), data };
}
