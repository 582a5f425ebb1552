/**
 * The page's own script (plain ES2017, shipped as text): view tabs (with the view in the URL's hash),
 * the reconstruction rows, and the "experiments to try" buttons, which use only the navigator's public
 * API and DOM hooks. It reads its data from the JSON block `#vae-lab-playground-data`.
 */
import { NAVIGATOR_ID } from "./views/navigator";
import { RECONSTRUCTIONS_PER_ROW } from "./views/reconstructions";

export const PLAYGROUND_CLIENT_JS = String.raw`(function () {
  "use strict";
  var NAV_ID = ${JSON.stringify(NAVIGATOR_ID)}, PER_ROW = ${RECONSTRUCTIONS_PER_ROW};
  var data = JSON.parse(document.getElementById("vae-lab-playground-data").textContent);
  var tabs = Array.prototype.slice.call(document.querySelectorAll("[data-view-tab]"));
  var panels = Array.prototype.slice.call(document.querySelectorAll("[data-view-panel]"));
  var names = panels.map(function (p) { return p.getAttribute("data-view-panel"); });

  function show(name) {
    if (names.indexOf(name) < 0) name = names[0];
    panels.forEach(function (p) { p.classList.toggle("active", p.getAttribute("data-view-panel") === name); });
    // Roving tabindex (WAI-ARIA tabs): Tab reaches the selected tab, arrow keys move between tabs.
    tabs.forEach(function (t) { var on = t.getAttribute("data-view-tab") === name; t.setAttribute("aria-selected", String(on)); t.tabIndex = on ? 0 : -1; });
    document.body.setAttribute("data-current-view", name);
    if (location.hash !== "#" + name) history.replaceState(null, "", "#" + name);
  }
  tabs.forEach(function (t) { t.addEventListener("click", function () { show(t.getAttribute("data-view-tab")); }); });
  tabs.forEach(function (t, i) {
    t.addEventListener("keydown", function (e) {
      var j = e.key === "ArrowRight" ? (i + 1) % tabs.length : e.key === "ArrowLeft" ? (i + tabs.length - 1) % tabs.length : e.key === "Home" ? 0 : e.key === "End" ? tabs.length - 1 : -1;
      if (j < 0) return;
      e.preventDefault();
      show(tabs[j].getAttribute("data-view-tab"));
      tabs[j].focus();
    });
  });
  window.addEventListener("hashchange", function () { show(location.hash.slice(1)); });
  show(location.hash.slice(1));

  // Reconstructions: rows of PER_ROW from the pool, the next row on each click (cycling).
  var rec = data.reconstructions, size = rec.imageSize, px = size * size;
  function bytes(b64) { var s = atob(b64), out = new Uint8Array(s.length); for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i); return out; }
  var originals = bytes(rec.originals), recons = bytes(rec.reconstructions), offset = 0;
  function draw(canvas, values, k) {
    var ctx = canvas.getContext("2d"), img = ctx.createImageData(size, size);
    for (var i = 0; i < px; i++) { var v = values[k * px + i]; img.data[4 * i] = v; img.data[4 * i + 1] = v; img.data[4 * i + 2] = v; img.data[4 * i + 3] = 255; }
    ctx.putImageData(img, 0, 0);
  }
  function drawRow() {
    var shown = [];
    for (var j = 0; j < PER_ROW; j++) {
      var k = (offset + j) % rec.count;
      shown.push(k);
      draw(document.querySelector('canvas[data-role=original][data-index="' + j + '"]'), originals, k);
      draw(document.querySelector('canvas[data-role=reconstruction][data-index="' + j + '"]'), recons, k);
    }
    var label = document.querySelector("[data-role=recon-labels]");
    label.textContent = "digits: " + shown.map(function (k) { return data.classNames[rec.labels[k]]; }).join(" ");
    label.setAttribute("data-pool-indices", shown.join(","));
  }
  drawRow();
  document.querySelector("[data-action=new-reconstructions]").addEventListener("click", function () {
    offset = (offset + PER_ROW) % rec.count;
    drawRow();
  });

  // Experiments to try: drive the navigator through its public API and DOM hooks.
  function nav() { return window.vaeLabNavigators && window.vaeLabNavigators[NAV_ID]; }
  Array.prototype.forEach.call(document.querySelectorAll("[data-experiment]"), function (button) {
    button.addEventListener("click", function () {
      var n = nav();
      if (!n) return;
      show("navigator");
      var from = Number(button.getAttribute("data-from")), to = Number(button.getAttribute("data-to"));
      var kind = button.getAttribute("data-experiment");
      if (kind === "morph") { n.jumpTo(from); n.morphTo(to, 16); }
      else if (kind === "boundary") {
        var a = data.latent.centroids[from], b = data.latent.centroids[to];
        n.setZ(a.map(function (v, i) { return (v + b[i]) / 2; }));
      } else if (kind === "interpolate") {
        var root = document.querySelector('[data-vae-navigator="' + NAV_ID + '"]');
        var f = root.querySelector("[data-role=from]"), t = root.querySelector("[data-role=to]");
        f.value = String(from); f.dispatchEvent(new Event("change", { bubbles: true }));
        t.value = String(to); t.dispatchEvent(new Event("change", { bubbles: true }));
        root.querySelector("[data-action=interpolate]").click();
      }
    });
  });
})();`;
