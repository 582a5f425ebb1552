/*
 * The latent navigator's browser side, part 1: the pure maths. Decodes z → image in plain JavaScript
 * from the embedded decoder weights (so dragging a slider never waits for a kernel or a server) and
 * interpolates between codes. Loaded as text by navigatorHtml.ts with view.js and inlined into the
 * page; plain ES2017, no imports. The tests run it in Node against TensorFlow.js and the library.
 */
// eslint-disable-next-line no-unused-vars
var vaeLabNavigatorCore = (function () {
  function base64ToFloat32(b64, dtype) {
    var bin = atob(b64);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    if (dtype !== "float16") return new Float32Array(bytes.buffer);
    var half = new Uint16Array(bytes.buffer),
      out = new Float32Array(half.length);
    for (var j = 0; j < half.length; j++) out[j] = halfToFloat(half[j]);
    return out;
  }

  /** IEEE 754 half precision → number. */
  function halfToFloat(h) {
    var s = h & 0x8000 ? -1 : 1,
      e = (h >> 10) & 0x1f,
      m = h & 0x3ff;
    if (e === 0) return s * m * Math.pow(2, -24);
    if (e === 31) return m ? NaN : s * Infinity;
    return s * (1 + m / 1024) * Math.pow(2, e - 15);
  }

  /** Unpacks every layer's weights once: { w: Float32Array, b: Float32Array, ...shape fields }. */
  function unpackDecoder(decoder) {
    return {
      output: decoder.output,
      layers: decoder.layers.map(function (l) {
        var copy = {};
        for (var k in l) copy[k] = l[k];
        copy.w = base64ToFloat32(l.w, l.dtype);
        copy.b = base64ToFloat32(l.b, l.dtype);
        return copy;
      }),
    };
  }

  // dense: out[j] = act(b[j] + Σ_i x[i]·w[i, j]); w is row-major [inDim, outDim] as in TensorFlow.js.
  function denseForward(x, l) {
    var out = new Float32Array(l.outDim);
    out.set(l.b);
    for (var i = 0; i < l.inDim; i++) {
      var xi = x[i];
      if (xi === 0) continue; // ReLU zeros are common: skip their row
      var row = i * l.outDim;
      for (var j = 0; j < l.outDim; j++) out[j] += xi * l.w[row + j];
    }
    if (l.activation === "relu") for (var r = 0; r < out.length; r++) if (out[r] < 0) out[r] = 0;
    return out;
  }

  // 3×3 stride-2 "same" transposed convolution (tf.conv2dTranspose; filter [3, 3, outC, inC]):
  // out[2·iy + ky, 2·ix + kx, oc] += x[iy, ix, ic] · w[ky, kx, oc, ic], then bias and optional ReLU.
  function deconvForward(x, l) {
    var H = l.inSize,
      W = l.inSize,
      O = l.outSize,
      inC = l.inC,
      outC = l.outC,
      k = l.kernel,
      s = l.stride;
    var out = new Float32Array(O * O * outC);
    for (var p = 0; p < O * O; p++) out.set(l.b, p * outC);
    for (var iy = 0; iy < H; iy++) {
      for (var ix = 0; ix < W; ix++) {
        var xBase = (iy * W + ix) * inC;
        for (var ky = 0; ky < k; ky++) {
          var oy = iy * s + ky - l.padTop;
          if (oy < 0 || oy >= O) continue;
          for (var kx = 0; kx < k; kx++) {
            var ox = ix * s + kx - l.padLeft;
            if (ox < 0 || ox >= O) continue;
            var oBase = (oy * O + ox) * outC;
            var wBase = (ky * k + kx) * outC * inC;
            for (var oc = 0; oc < outC; oc++) {
              var acc = 0;
              var wRow = wBase + oc * inC;
              for (var ic = 0; ic < inC; ic++) acc += x[xBase + ic] * l.w[wRow + ic];
              out[oBase + oc] += acc;
            }
          }
        }
      }
    }
    if (l.activation === "relu") for (var r = 0; r < out.length; r++) if (out[r] < 0) out[r] = 0;
    return out;
  }

  /** z (array of latentDim numbers) → pixel intensities in [0, 1] (Float32Array). */
  function decode(unpacked, z) {
    var h = Float32Array.from(z);
    for (var i = 0; i < unpacked.layers.length; i++) {
      var l = unpacked.layers[i];
      h = l.kind === "dense" ? denseForward(h, l) : deconvForward(h, l);
    }
    if (unpacked.output === "sigmoid") {
      for (var j = 0; j < h.length; j++) h[j] = 1 / (1 + Math.exp(-h[j]));
    } else {
      for (var c = 0; c < h.length; c++) h[c] = Math.min(1, Math.max(0, h[c]));
    }
    return h;
  }

  // ---- interpolation: the same maths as src/vae/latent.ts (lerp, slerp, interpolationPath, morphPath),
  // statement for statement; client.test.ts runs both on the same cases, degenerate ones included.
  var SLERP_PARALLEL_THRESHOLD = 1e-4;

  function lerp(z0, z1, t) {
    return z0.map(function (a, i) {
      return (1 - t) * a + t * z1[i];
    });
  }

  // Spherical interpolation (Shoemake 1985); the angle by Kahan's 2·atan2(|â − b̂|, |â + b̂|). Falls
  // back to lerp for a zero code and for (nearly) parallel or opposite codes, as src/vae/latent.ts does.
  function slerp(z0, z1, t) {
    var n0 = Math.hypot.apply(null, z0),
      n1 = Math.hypot.apply(null, z1);
    if (n0 === 0 || n1 === 0) return lerp(z0, z1, t);
    var diff = 0,
      sum = 0;
    for (var i = 0; i < z0.length; i++) {
      var a = z0[i] / n0,
        b = z1[i] / n1;
      diff += (a - b) * (a - b);
      sum += (a + b) * (a + b);
    }
    var omega = 2 * Math.atan2(Math.sqrt(diff), Math.sqrt(sum));
    if (omega < SLERP_PARALLEL_THRESHOLD || Math.PI - omega < SLERP_PARALLEL_THRESHOLD) return lerp(z0, z1, t);
    var sinOmega = Math.sin(omega);
    var wa = Math.sin((1 - t) * omega) / sinOmega,
      wb = Math.sin(t * omega) / sinOmega;
    return z0.map(function (v, k) {
      return wa * v + wb * z1[k];
    });
  }

  /** `steps` codes from z0 to z1, both included, evenly spaced in t (interpolationPath). */
  function path(z0, z1, steps, kind) {
    var f = kind === "spherical" ? slerp : lerp;
    var out = [];
    for (var i = 0; i < steps; i++) out.push(f(z0, z1, steps === 1 ? 0 : i / (steps - 1)));
    return out;
  }

  /** A morph's frames: `steps` codes along the line, `from` excluded, the last exactly `target` (morphPath). */
  function morph(from, target, steps) {
    var out = [];
    for (var i = 0; i < steps; i++) out.push(i === steps - 1 ? target.slice() : lerp(from, target, (i + 1) / steps));
    return out;
  }

  return {
    base64ToFloat32: base64ToFloat32,
    unpackDecoder: unpackDecoder,
    decode: decode,
    SLERP_PARALLEL_THRESHOLD: SLERP_PARALLEL_THRESHOLD,
    lerp: lerp,
    slerp: slerp,
    path: path,
    morph: morph,
  };
})();
