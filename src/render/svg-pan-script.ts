/**
 * The pan/zoom script embedded in every SVG call graph.
 *
 * pprof embeds svgpan.js; this is our own, smaller equivalent (written from
 * scratch, not derived from svgpan.js). It works when the SVG is opened on its
 * own in a browser or loaded through <object>/<iframe> — the ways our SVG
 * artifacts are viewed. Behaviour:
 * - mouse wheel zooms around the cursor (the point under the cursor stays put);
 * - dragging with the primary button pans;
 * - double-click resets to the initial view.
 *
 * It drives the `<g id="viewport">` group that massageSvg wraps around the
 * graph, writing `translate(x,y) scale(s)`; the initial state (scale 0.5, no
 * translation) matches the transform massageSvg writes. The script runs while
 * the document is still being parsed (it precedes the viewport group), so it
 * only attaches listeners to the root <svg> and looks the group up lazily.
 *
 * Plain ES5-style JavaScript so that any browser runs it; it must never
 * contain the CDATA terminator (checked by a test).
 */
export const SVG_PAN_SCRIPT = `
(function () {
  'use strict';
  var INITIAL_SCALE = 0.5;
  var MIN_SCALE = 0.01;
  var MAX_SCALE = 100;
  var script = document.currentScript;
  var root = (script && script.ownerSVGElement) || document.documentElement;
  var view = { scale: INITIAL_SCALE, x: 0, y: 0 };
  var drag = null;

  function viewport() {
    return document.getElementById('viewport');
  }

  function apply() {
    var group = viewport();
    if (group) {
      group.setAttribute('transform',
        'translate(' + view.x + ',' + view.y + ') scale(' + view.scale + ',' + view.scale + ')');
    }
  }

  // The root svg has no viewBox, so its user units are CSS pixels from its corner.
  function pointer(evt) {
    var box = root.getBoundingClientRect();
    return { x: evt.clientX - box.left, y: evt.clientY - box.top };
  }

  function wheelPixels(evt) {
    if (evt.deltaMode === 1) return evt.deltaY * 16;   // lines
    if (evt.deltaMode === 2) return evt.deltaY * 400;  // pages
    return evt.deltaY;
  }

  root.addEventListener('wheel', function (evt) {
    if (!viewport()) return;
    evt.preventDefault();
    var factor = Math.pow(2, -wheelPixels(evt) / 300);
    var scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, view.scale * factor));
    var p = pointer(evt);
    // Keep the graph point under the cursor fixed: p = t + g*s before and after.
    var k = scale / view.scale;
    view.x = p.x - (p.x - view.x) * k;
    view.y = p.y - (p.y - view.y) * k;
    view.scale = scale;
    apply();
  }, { passive: false });

  root.addEventListener('mousedown', function (evt) {
    if (evt.button !== 0 || !viewport()) return;
    evt.preventDefault();  // no text selection while dragging
    var p = pointer(evt);
    drag = { x: p.x - view.x, y: p.y - view.y };
  });

  root.addEventListener('mousemove', function (evt) {
    if (!drag) return;
    var p = pointer(evt);
    view.x = p.x - drag.x;
    view.y = p.y - drag.y;
    apply();
  });

  function endDrag() {
    drag = null;
  }
  root.addEventListener('mouseup', endDrag);
  window.addEventListener('mouseup', endDrag);
  window.addEventListener('blur', endDrag);

  root.addEventListener('dblclick', function () {
    view = { scale: INITIAL_SCALE, x: 0, y: 0 };
    apply();
  });
})();
`;
