/*
 * The latent navigator's browser side, part 2: one navigator's page. `vaeLabNavigator(id)` reads the
 * navigator's data, draws with `vaeLabDrawing` and `vaeLabLatentMap`, keeps the current z, and wires
 * the controls; its API (window.vaeLabNavigators[id]) is what the browser tests drive. Plain ES2017,
 * no globals except `window.vaeLabNavigators`; decoding and interpolation come from core.js.
 */

/** Draws S×S pixel intensities (0 = paper, 1 = ink) onto canvases of any size, and strips of them. */
// eslint-disable-next-line no-unused-vars
function vaeLabDrawing(S) {
  var scratch = document.createElement("canvas");
  scratch.width = S;
  scratch.height = S;
  function image(canvas, pixels) {
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
  /** One 56×56 canvas per code in `frames`, decoded by `decode`. */
  function strip(container, frames, decode) {
    container.innerHTML = "";
    frames.forEach(function (f) {
      var c = document.createElement("canvas");
      c.width = 56;
      c.height = 56;
      image(c, decode(f));
      container.appendChild(c);
    });
  }
  return { image: image, strip: strip };
}

/** The latent map: held-out codes and circled centroids drawn once, the current z as a cross on top. */
// eslint-disable-next-line no-unused-vars
function vaeLabLatentMap(map, data, RANGE) {
  var L = data.latentDim,
    COLORS = data.classColours; // src/plots/palette.ts
  var base = null;
  function toMap(v, size) {
    return ((v + RANGE) / (2 * RANGE)) * size;
  }
  function drawPoints(ctx, W, H) {
    if (!data.points || L < 2) return;
    var pz = data.points.z,
      pl = data.points.labels;
    ctx.globalAlpha = 0.45;
    for (var i = 0; i < pz.length; i++) {
      ctx.fillStyle = COLORS[pl[i] % COLORS.length];
      ctx.fillRect(toMap(pz[i][0], W) - 1.5, H - toMap(pz[i][1], H) - 1.5, 3, 3);
    }
    ctx.globalAlpha = 1;
  }
  function drawCentroids(ctx, W, H) {
    if (L < 2) return;
    ctx.font = "bold 13px sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    data.centroids.forEach(function (c, k) {
      var x = toMap(c[0], W),
        y = H - toMap(c[1], H);
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
  }
  function drawBase() {
    var ctx = map.getContext("2d"),
      W = map.width,
      H = map.height;
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, W, H);
    ctx.strokeStyle = "#ddd";
    ctx.beginPath();
    ctx.moveTo(W / 2, 0);
    ctx.lineTo(W / 2, H);
    ctx.moveTo(0, H / 2);
    ctx.lineTo(W, H / 2);
    ctx.stroke();
    drawPoints(ctx, W, H);
    drawCentroids(ctx, W, H);
    base = ctx.getImageData(0, 0, W, H);
  }
  function drawMarker(z) {
    if (L < 2) return;
    var ctx = map.getContext("2d"),
      W = map.width,
      H = map.height;
    ctx.putImageData(base, 0, 0);
    var x = toMap(z[0], W),
      y = H - toMap(z[1], H);
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
  /** The (z₁, z₂) under a click, from −RANGE to RANGE. */
  function codeAt(ev) {
    var rect = map.getBoundingClientRect();
    return [
      ((ev.clientX - rect.left) / rect.width) * 2 * RANGE - RANGE,
      RANGE - ((ev.clientY - rect.top) / rect.height) * 2 * RANGE,
    ];
  }
  return { drawBase: drawBase, drawMarker: drawMarker, codeAt: codeAt };
}

/** A standard normal draw (Box–Muller), for "random sample z ~ N(0, I)". */
function vaeLabRandn() {
  var u = 0,
    v = 0;
  while (u === 0) u = Math.random();
  while (v === 0) v = Math.random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** The controls: sliders move one dimension of z, buttons jump, morph, sample and interpolate, a click on the map moves z₁, z₂. */
function vaeLabControls(root, api, latentMap, sliders, selected) {
  sliders.forEach(function (s) {
    s.addEventListener("input", function () {
      var next = api.getZ();
      next[Number(s.dataset.dim)] = Number(s.value);
      api.setZ(next);
    });
  });
  root.addEventListener("click", function (ev) {
    var el = ev.target.closest ? ev.target.closest("[data-action]") : null;
    if (!el || !root.contains(el)) return;
    var action = el.dataset.action,
      k = Number(el.dataset.class);
    if (action === "random") api.randomSample();
    else if (action === "jump") api.jumpTo(k);
    else if (action === "morph") api.morphTo(k);
    else if (action === "interpolate") api.interpolate(selected("from"), selected("to"));
  });
  var map = root.querySelector('canvas[data-role="map"]');
  map.addEventListener("click", function (ev) {
    var next = api.getZ();
    if (next.length < 2) return;
    var at = latentMap.codeAt(ev);
    next[0] = at[0];
    next[1] = at[1];
    api.setZ(next);
  });
}

/** Wires the navigator with data-vae-navigator="id" (once) and registers its API in window.vaeLabNavigators. */
// eslint-disable-next-line no-unused-vars
function vaeLabNavigator(id) {
  var core = vaeLabNavigatorCore;
  var root = document.querySelector('[data-vae-navigator="' + id + '"]');
  if (!root || root.dataset.ready === "1") return;
  root.dataset.ready = "1";
  var $ = function (sel) {
    return root.querySelector(sel);
  };
  var data = JSON.parse($('script[data-role="navigator-data"]').textContent);
  var decoder = core.unpackDecoder(data.decoder);
  var L = data.latentDim,
    RANGE = 3;
  var draw = vaeLabDrawing(data.imageSize);
  var latentMap = vaeLabLatentMap($('canvas[data-role="map"]'), data, RANGE);
  var digit = $('canvas[data-role="digit"]');
  var sliders = Array.prototype.slice.call(root.querySelectorAll('input[type="range"][data-dim]'));
  var z = new Array(L).fill(0);
  var api = { decodeTimes: [], lastDecodeMs: 0 };
  var animation = null;

  function decodeTimed(zz) {
    var t0 = performance.now();
    var pixels = core.decode(decoder, zz);
    var ms = performance.now() - t0;
    api.lastDecodeMs = ms;
    api.decodeTimes.push(ms);
    if (api.decodeTimes.length > 500) api.decodeTimes.shift();
    return pixels;
  }
  function showSliders() {
    sliders.forEach(function (s) {
      var d = Number(s.dataset.dim);
      s.value = String(Math.max(-RANGE, Math.min(RANGE, z[d])));
      var label = root.querySelector('[data-role="value"][data-dim="' + d + '"]');
      if (label) label.textContent = z[d].toFixed(2);
    });
  }
  function render() {
    draw.image(digit, decodeTimed(z));
    latentMap.drawMarker(z);
    showSliders();
    root.dataset.z = JSON.stringify(
      z.map(function (v) {
        return Math.round(v * 1e4) / 1e4;
      }),
    );
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

  api.getZ = function () {
    return z.slice();
  };
  api.setZ = function (next) {
    stopAnimation();
    setZ(next);
  };
  api.decode = decodeTimed;
  api.randomSample = function () {
    stopAnimation();
    setZ(z.map(vaeLabRandn));
  };
  api.jumpTo = function (k) {
    stopAnimation();
    setZ(data.centroids[k].slice());
  };
  /** Walks from the current z to class k's centroid in `steps` frames (~40 ms each), filling the strip. */
  api.morphTo = function (k, steps) {
    stopAnimation();
    var frames = core.morph(z.slice(), data.centroids[k].slice(), steps || 12);
    var strip = $('[data-role="strip-morph"]');
    if (strip) draw.strip(strip, frames, decodeTimed);
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
    var z0 = data.centroids[a],
      z1 = data.centroids[b];
    var linear = core.path(z0, z1, n, "linear"),
      spherical = core.path(z0, z1, n, "spherical");
    draw.strip($('[data-role="strip-linear"]'), linear, decodeTimed);
    draw.strip($('[data-role="strip-slerp"]'), spherical, decodeTimed);
    return { linear: linear, spherical: spherical };
  };

  var selected = function (role) {
    return Number($('[data-role="' + role + '"]').value);
  };
  vaeLabControls(root, api, latentMap, sliders, selected);
  latentMap.drawBase();
  render();
  api.interpolate(selected("from"), selected("to"));
  window.vaeLabNavigators = window.vaeLabNavigators || {};
  window.vaeLabNavigators[id] = api;
}
