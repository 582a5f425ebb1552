/*
 * The latent navigator's browser side: decodes z → image in plain JavaScript from the embedded
 * decoder weights, so dragging a slider never waits for a kernel or a server. Loaded as text by
 * navigatorHtml.ts and inlined into the page; plain ES2017, no imports, no globals except
 * `window.vaeLabNavigators`.
 *
 * `vaeLabNavigatorCore` holds the pure parts (decoding, interpolation) and is also run by the tests in
 * Node against TensorFlow.js; `vaeLabNavigator(id)` wires one navigator's DOM.
 */
// eslint-disable-next-line no-unused-vars
var vaeLabNavigatorCore = (function () {
  function base64ToFloat32(b64, dtype) {
    var bin = atob(b64);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    if (dtype !== "float16") return new Float32Array(bytes.buffer);
    var half = new Uint16Array(bytes.buffer), out = new Float32Array(half.length);
    for (var j = 0; j < half.length; j++) out[j] = halfToFloat(half[j]);
    return out;
  }

  /** IEEE 754 half precision → number. */
  function halfToFloat(h) {
    var s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
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
    var H = l.inSize, W = l.inSize, O = l.outSize, inC = l.inC, outC = l.outC, k = l.kernel, s = l.stride;
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

  function lerp(z0, z1, t) {
    return z0.map(function (v, i) {
      return (1 - t) * v + t * z1[i];
    });
  }

  // Spherical interpolation (Shoemake 1985) on the directions of z0 and z1; falls back to linear
  // when either is ~0 or they are (anti)parallel, as src/vae/latent.ts `slerp` does.
  function slerp(z0, z1, t) {
    var n0 = Math.hypot.apply(null, z0), n1 = Math.hypot.apply(null, z1);
    if (n0 < 1e-8 || n1 < 1e-8) return lerp(z0, z1, t);
    var dot = 0;
    for (var i = 0; i < z0.length; i++) dot += (z0[i] / n0) * (z1[i] / n1);
    dot = Math.max(-1, Math.min(1, dot));
    var omega = Math.acos(dot), so = Math.sin(omega);
    if (so < 1e-4) return lerp(z0, z1, t);
    var a = Math.sin((1 - t) * omega) / so, b = Math.sin(t * omega) / so;
    return z0.map(function (v, k) {
      return a * v + b * z1[k];
    });
  }

  function path(z0, z1, steps, kind) {
    var out = [];
    for (var i = 0; i < steps; i++) {
      var t = steps === 1 ? 0 : i / (steps - 1);
      out.push(kind === "spherical" ? slerp(z0, z1, t) : lerp(z0, z1, t));
    }
    return out;
  }

  return { base64ToFloat32: base64ToFloat32, unpackDecoder: unpackDecoder, decode: decode, lerp: lerp, slerp: slerp, path: path };
})();

// eslint-disable-next-line no-unused-vars
function vaeLabNavigator(id) {
  var core = vaeLabNavigatorCore;
  var root = document.querySelector('[data-vae-navigator="' + id + '"]');
  if (!root || root.dataset.ready === "1") return;
  root.dataset.ready = "1";
  var data = JSON.parse(root.querySelector('script[data-role="navigator-data"]').textContent);
  var decoder = core.unpackDecoder(data.decoder);
  var L = data.latentDim, S = data.imageSize, RANGE = 3;
  var COLORS = data.classColours; // src/plots/palette.ts
  var $ = function (sel) {
    return root.querySelector(sel);
  };
  var z = new Array(L).fill(0);
  var api = { decodeTimes: [], lastDecodeMs: 0 };
  var animation = null;

  // ---- drawing ------------------------------------------------------------------------------------
  var scratch = document.createElement("canvas");
  scratch.width = S;
  scratch.height = S;
  function drawImage(canvas, pixels) {
    var sctx = scratch.getContext("2d");
    var img = sctx.createImageData(S, S);
    for (var i = 0; i < S * S; i++) {
      var v = 255 - Math.round(255 * pixels[i]); // dark ink on white paper
      img.data[4 * i] = v;
      img.data[4 * i + 1] = v;
      img.data[4 * i + 2] = v;
      img.data[4 * i + 3] = 255;
    }
    sctx.putImageData(img, 0, 0);
    var ctx = canvas.getContext("2d");
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(scratch, 0, 0, canvas.width, canvas.height);
  }

  var map = $('canvas[data-role="map"]');
  var mapBase = null; // the points and centroids, drawn once; the marker goes on top
  function toMap(v, size) {
    return ((v + RANGE) / (2 * RANGE)) * size;
  }
  function drawMapBase() {
    var ctx = map.getContext("2d"), W = map.width, H = map.height;
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, W, H);
    ctx.strokeStyle = "#ddd";
    ctx.beginPath();
    ctx.moveTo(W / 2, 0);
    ctx.lineTo(W / 2, H);
    ctx.moveTo(0, H / 2);
    ctx.lineTo(W, H / 2);
    ctx.stroke();
    if (data.points && L >= 2) {
      var pz = data.points.z, pl = data.points.labels;
      ctx.globalAlpha = 0.45;
      for (var i = 0; i < pz.length; i++) {
        ctx.fillStyle = COLORS[pl[i] % COLORS.length];
        ctx.fillRect(toMap(pz[i][0], W) - 1.5, H - toMap(pz[i][1], H) - 1.5, 3, 3);
      }
      ctx.globalAlpha = 1;
    }
    ctx.font = "bold 13px sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    data.centroids.forEach(function (c, k) {
      if (L < 2) return;
      var x = toMap(c[0], W), y = H - toMap(c[1], H);
      ctx.fillStyle = "#fff";
      ctx.beginPath();
      ctx.arc(x, y, 9, 0, 2 * Math.PI);
      ctx.fill();
      ctx.strokeStyle = COLORS[k % COLORS.length];
      ctx.lineWidth = 2;
      ctx.stroke();
      ctx.fillStyle = "#000";
      ctx.fillText(String(data.classNames[k]).slice(0, 2), x, y + 0.5);
    });
    mapBase = ctx.getImageData(0, 0, W, H);
  }
  function drawMarker() {
    if (L < 2) return;
    var ctx = map.getContext("2d"), W = map.width, H = map.height;
    ctx.putImageData(mapBase, 0, 0);
    var x = toMap(z[0], W), y = H - toMap(z[1], H);
    ctx.strokeStyle = "#000";
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(x, y, 7, 0, 2 * Math.PI);
    ctx.moveTo(x - 12, y);
    ctx.lineTo(x + 12, y);
    ctx.moveTo(x, y - 12);
    ctx.lineTo(x, y + 12);
    ctx.stroke();
    map.dataset.markerX = x.toFixed(1);
    map.dataset.markerY = y.toFixed(1);
  }

  // ---- state --------------------------------------------------------------------------------------
  var digit = $('canvas[data-role="digit"]');
  var sliders = Array.prototype.slice.call(root.querySelectorAll('input[type="range"][data-dim]'));
  function decodeTimed(zz) {
    var t0 = performance.now();
    var pixels = core.decode(decoder, zz);
    var ms = performance.now() - t0;
    api.lastDecodeMs = ms;
    api.decodeTimes.push(ms);
    if (api.decodeTimes.length > 500) api.decodeTimes.shift();
    return pixels;
  }
  function render() {
    var pixels = decodeTimed(z);
    drawImage(digit, pixels);
    drawMarker();
    sliders.forEach(function (s) {
      var d = Number(s.dataset.dim);
      s.value = String(Math.max(-RANGE, Math.min(RANGE, z[d])));
      var label = root.querySelector('[data-role="value"][data-dim="' + d + '"]');
      if (label) label.textContent = z[d].toFixed(2);
    });
    root.dataset.z = JSON.stringify(z.map(function (v) {
      return Math.round(v * 1e4) / 1e4;
    }));
    root.dataset.lastDecodeMs = api.lastDecodeMs.toFixed(3);
    var info = $('[data-role="info"]');
    if (info) info.textContent = "decoded in " + api.lastDecodeMs.toFixed(2) + " ms";
  }
  function setZ(next) {
    if (!next || next.length !== L || !next.every(isFinite)) throw new Error("setZ: expected " + L + " finite numbers");
    z = next.map(Number);
    render();
  }
  function stopAnimation() {
    if (animation !== null) clearInterval(animation);
    animation = null;
  }
  function randn() {
    var u = 0, v = 0;
    while (u === 0) u = Math.random();
    while (v === 0) v = Math.random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  function drawStrip(container, frames) {
    container.innerHTML = "";
    frames.forEach(function (f) {
      var c = document.createElement("canvas");
      c.width = 56;
      c.height = 56;
      drawImage(c, decodeTimed(f));
      container.appendChild(c);
    });
  }

  api.getZ = function () {
    return z.slice();
  };
  api.setZ = function (next) {
    stopAnimation();
    setZ(next);
  };
  api.decode = function (zz) {
    return decodeTimed(zz);
  };
  api.randomSample = function () {
    stopAnimation();
    setZ(z.map(randn));
  };
  api.jumpTo = function (k) {
    stopAnimation();
    setZ(data.centroids[k].slice());
  };
  /** Walks from the current z to class k's centroid in `steps` frames (~40 ms each), filling the strip. */
  api.morphTo = function (k, steps) {
    stopAnimation();
    var frames = core.path(z.slice(), data.centroids[k].slice(), steps || 12, "linear");
    var strip = $('[data-role="strip-morph"]');
    if (strip) drawStrip(strip, frames);
    var i = 0;
    animation = setInterval(function () {
      setZ(frames[i]);
      i += 1;
      if (i >= frames.length) stopAnimation();
    }, 40);
    return frames;
  };
  /** Linear and spherical paths between the centroids of classes a and b, drawn as two strips. */
  api.interpolate = function (a, b, steps) {
    var n = steps || 8;
    var z0 = data.centroids[a], z1 = data.centroids[b];
    var linear = core.path(z0, z1, n, "linear"), spherical = core.path(z0, z1, n, "spherical");
    drawStrip($('[data-role="strip-linear"]'), linear);
    drawStrip($('[data-role="strip-slerp"]'), spherical);
    return { linear: linear, spherical: spherical };
  };

  // ---- events -------------------------------------------------------------------------------------
  sliders.forEach(function (s) {
    s.addEventListener("input", function () {
      stopAnimation();
      var next = z.slice();
      next[Number(s.dataset.dim)] = Number(s.value);
      setZ(next);
    });
  });
  root.addEventListener("click", function (ev) {
    var el = ev.target.closest ? ev.target.closest("[data-action]") : null;
    if (!el || !root.contains(el)) return;
    var action = el.dataset.action, k = Number(el.dataset.class);
    if (action === "random") api.randomSample();
    else if (action === "jump") api.jumpTo(k);
    else if (action === "morph") api.morphTo(k);
    else if (action === "interpolate") api.interpolate(Number($('[data-role="from"]').value), Number($('[data-role="to"]').value));
  });
  map.addEventListener("click", function (ev) {
    if (L < 2) return;
    var rect = map.getBoundingClientRect();
    var next = z.slice();
    next[0] = ((ev.clientX - rect.left) / rect.width) * 2 * RANGE - RANGE;
    next[1] = RANGE - ((ev.clientY - rect.top) / rect.height) * 2 * RANGE;
    api.setZ(next);
  });

  drawMapBase();
  render();
  api.interpolate(Number($('[data-role="from"]').value), Number($('[data-role="to"]').value));
  window.vaeLabNavigators = window.vaeLabNavigators || {};
  window.vaeLabNavigators[id] = api;
}
