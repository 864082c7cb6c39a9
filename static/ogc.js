/* The small map of the OGC API's HTML pages: the features the page lists, from the GeoJSON
   block the server wrote into it, drawn on a blank background (no tile server is needed on the
   intranet). Clicking a feature opens its item page when the list links it. Names from the data
   reach the page as text only. */
(function () {
  'use strict';

  function itemLinks() {
    var byId = {};
    document.querySelectorAll('table a[href]').forEach(function (a) {
      byId[a.textContent] = a.href;
    });
    return byId;
  }

  function draw() {
    var block = document.getElementById('tz-ogc-features');
    var holder = document.getElementById('tz-ogc-map');
    if (!block || !holder || !window.L) return;
    var data = JSON.parse(block.textContent);
    var placed = data.features.filter(function (f) { return f.geometry; });
    if (placed.length === 0) {
      holder.hidden = true;
      document.body.dataset.ready = 'true';
      return;
    }
    var links = itemLinks();
    var map = L.map(holder, { attributionControl: false });
    var style = { color: '#08306b', weight: 3, fillOpacity: 0.25 };
    var layer = L.geoJSON(
      { type: 'FeatureCollection', features: placed },
      {
        style: function () { return style; },
        pointToLayer: function (f, latlng) {
          return L.circleMarker(latlng, Object.assign({ radius: 6 }, style));
        },
        onEachFeature: function (f, shape) {
          var label = document.createElement('span');
          label.textContent = (f.properties && f.properties.name) || String(f.id);
          shape.bindTooltip(label);
          if (links[String(f.id)]) {
            shape.on('click', function () { window.location.href = links[String(f.id)]; });
          }
        }
      }
    ).addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [16, 16], maxZoom: 15 });
    document.body.dataset.ready = 'true';
  }

  document.addEventListener('DOMContentLoaded', draw);
})();
