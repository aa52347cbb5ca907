/*
 * The choropleth of the districts (Leaflet, the hub's own boundaries: works offline). The
 * [data-choropleth] element names the JSON of its values (data-source, json_script):
 *   {label, unit, districts: {code: {name, value, shown, shade: 0..4 | null}}}
 * and data-boundary-url the districts' GeoJSON (places:geojson, property `code`). Each district is
 * filled with its shade (the same colours as the legend in opendata.css); no tiles, no labels.
 * The legend and the table under the map carry the same values as text.
 */
(function () {
  "use strict";

  // Sequential greens, light to dark (ColorBrewer Greens); must match .od-shade-* in opendata.css.
  var SHADES = ["#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c"];
  var NONE = "#d0d4d2";
  var OUTLINE = { color: "#4f5b56", weight: 1, fillOpacity: 0.9 };
  var FOCUS = { color: "#1d4e89", weight: 3 };

  function say(container, message) {
    var status = document.getElementById(container.id + "-status");
    if (status) {
      status.textContent = message || "";
    }
  }

  function tooltip(district, unit) {
    var box = document.createElement("div");
    var name = document.createElement("strong");
    name.textContent = district.name;
    box.appendChild(name);
    box.appendChild(document.createElement("br"));
    box.appendChild(document.createTextNode(district.shown + " " + (unit || "")));
    return box;
  }

  function start(container) {
    var source = document.getElementById(container.getAttribute("data-source"));
    if (!source || typeof window.L === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var focus = container.getAttribute("data-focus");
    var map = window.L.map(container, {
      attributionControl: false,
      scrollWheelZoom: false,
      zoomSnap: 0.25,
      zoomControl: false
    });
    window.L.control.zoom({
      zoomInTitle: container.getAttribute("data-zoom-in-label") || "+",
      zoomOutTitle: container.getAttribute("data-zoom-out-label") || "-"
    }).addTo(map);
    map.setView([37.5665, 126.978], 10);
    fetch(container.getAttribute("data-boundary-url"), {
      credentials: "same-origin",
      headers: { Accept: "application/geo+json, application/json" }
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    }).then(function (geojson) {
      var layer = window.L.geoJSON(geojson, {
        style: function (feature) {
          var district = data.districts[feature.properties.code];
          var shade = district && district.shade !== null ? SHADES[district.shade] : NONE;
          var style = Object.assign({}, OUTLINE, { fillColor: shade });
          return feature.properties.code === focus ? Object.assign(style, FOCUS) : style;
        },
        onEachFeature: function (feature, path) {
          var district = data.districts[feature.properties.code];
          if (district) {
            path.bindTooltip(tooltip(district, data.unit), { sticky: true });
          }
        }
      }).addTo(map);
      if (layer.getBounds().isValid()) {
        map.fitBounds(layer.getBounds(), { animate: false, padding: [8, 8] });
      }
      container.setAttribute("data-drawn", "");
    }).catch(function () {
      say(container, container.getAttribute("data-error-message"));
    });
  }

  function startAll() {
    document.querySelectorAll("[data-choropleth]").forEach(start);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startAll);
  } else {
    startAll();
  }
})();
