/*
 * District map: draws the hub's own district boundaries with Leaflet, so it works on a closed
 * network. Each element with [data-district-map] is configured by its data- attributes:
 *   data-geojson-url   FeatureCollection with properties name and url (required)
 *   data-center        "lat,lon" where the map opens before it fits the boundaries
 *   data-zoom          zoom level at opening
 *   data-focus         slug of a district to highlight and fit (district page), empty for all
 *   data-tile-url      background tile URL template; no background when empty
 *   data-tile-attribution, data-zoom-in-label, data-zoom-out-label, data-error-message
 * The page lists the same districts as text: the map is an enhancement.
 */
(function () {
  "use strict";

  var STYLE = { color: "#084c37", weight: 1.5, fillColor: "#0b6e4f", fillOpacity: 0.22 };
  var HOVER = { weight: 3, fillOpacity: 0.45 };
  var FOCUS = { color: "#1d4e89", weight: 3, fillColor: "#1d4e89", fillOpacity: 0.35 };
  var CONTEXT = { color: "#4f5b56", weight: 1, fillColor: "#4f5b56", fillOpacity: 0.06 };

  function parseCenter(text) {
    var parts = (text || "").split(",").map(Number);
    if (parts.length === 2 && parts.every(isFinite)) {
      return parts;
    }
    return [0, 0];
  }

  function showError(container, message) {
    var note = document.createElement("p");
    note.className = "map-error";
    note.setAttribute("role", "status");
    note.textContent = message || "";
    container.insertAdjacentElement("afterend", note);
  }

  function tooltipContent(name) {
    // A text node, not HTML: district names come from a data file and the admin.
    var span = document.createElement("span");
    span.textContent = name;
    return span;
  }

  function drawDistricts(map, collection, focus) {
    var focused = null;
    var layer = L.geoJSON(collection, {
      style: function (feature) {
        if (!focus) {
          return STYLE;
        }
        return feature.properties.slug === focus ? FOCUS : CONTEXT;
      },
      onEachFeature: function (feature, path) {
        var props = feature.properties || {};
        var isFocus = focus && props.slug === focus;
        path.bindTooltip(tooltipContent(props.name || props.code || ""), { sticky: true, direction: "top" });
        if (isFocus) {
          focused = path;
          return;
        }
        if (props.url) {
          path.on("click", function () {
            window.location.assign(props.url);
          });
        }
        path.on("mouseover", function () {
          path.setStyle(HOVER);
        });
        path.on("mouseout", function () {
          layer.resetStyle(path);
        });
      }
    }).addTo(map);

    var target = focused || layer;
    if (target.getBounds && target.getBounds().isValid()) {
      map.fitBounds(target.getBounds(), { padding: [12, 12], animate: false });
    }
    if (focused) {
      focused.bringToFront();
    }
  }

  function initMap(container) {
    var data = container.dataset;
    // Quarter zoom steps let a whole city fill the frame; the wheel is off so the page scrolls.
    var map = L.map(container, { zoomControl: false, scrollWheelZoom: false, zoomSnap: 0.25 });
    L.control.zoom({
      zoomInTitle: data.zoomInLabel || "Zoom in",
      zoomOutTitle: data.zoomOutLabel || "Zoom out"
    }).addTo(map);
    map.setView(parseCenter(data.center), Number(data.zoom) || 11);

    if (data.tileUrl) {
      L.tileLayer(data.tileUrl, { attribution: data.tileAttribution || "", maxZoom: 19 }).addTo(map);
    }

    fetch(data.geojsonUrl, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (collection) {
        drawDistricts(map, collection, data.focus || "");
      })
      .catch(function () {
        showError(container, data.errorMessage);
      });
  }

  function start() {
    document.querySelectorAll("[data-district-map]").forEach(function (container) {
      if (typeof L === "undefined") {
        showError(container, container.dataset.errorMessage);
      } else {
        initMap(container);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
