/*
 * Directory maps, drawn from the hub's own data so they work on a closed network.
 * Each [data-directory-map] element is configured by its data- attributes:
 *   data-listings-url   GeoJSON of the filtered listings (the browse map), features with name, summary, address, url
 *   data-points         JSON list of {lat, lon, name} (the small map of one listing)
 *   data-districts-url  district boundaries (drawn lightly under the markers)
 *   data-center, data-zoom, data-tile-url, data-tile-attribution, data-error-message, data-truncated-message
 * Popups are built with DOM nodes and textContent: names come from the public.
 */
(function () {
  "use strict";

  var DISTRICT_STYLE = { color: "#4f5b56", weight: 1, fillColor: "#0b6e4f", fillOpacity: 0.06 };

  function parseCenter(text) {
    var parts = (text || "").split(",").map(Number);
    return parts.length === 2 && parts.every(isFinite) ? parts : [37.5665, 126.978];
  }

  function note(container, message) {
    if (!message) {
      return;
    }
    var p = document.createElement("p");
    p.className = "map-error";
    p.setAttribute("role", "status");
    p.textContent = message;
    container.insertAdjacentElement("afterend", p);
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json, application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      });
  }

  function popup(props) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = props.url || "#";
    link.textContent = props.name || "";
    var title = document.createElement("strong");
    title.appendChild(link);
    box.appendChild(title);
    [props.summary, props.address].forEach(function (text) {
      if (text) {
        var p = document.createElement("p");
        p.textContent = text;
        box.appendChild(p);
      }
    });
    return box;
  }

  function drawDistricts(map, url) {
    if (!url) {
      return;
    }
    getJSON(url).then(function (collection) {
      L.geoJSON(collection, { style: DISTRICT_STYLE, interactive: false }).addTo(map);
    }).catch(function () { /* the boundaries are only background */ });
  }

  function initMap(container) {
    var data = container.dataset;
    // Marker clustering needs a maxZoom, which a map without a tile layer does not otherwise have.
    var map = L.map(container, { scrollWheelZoom: false, zoomSnap: 0.25, maxZoom: 18 });
    map.setView(parseCenter(data.center), Number(data.zoom) || 11);
    if (data.tileUrl) {
      L.tileLayer(data.tileUrl, { attribution: data.tileAttribution || "", maxZoom: 19 }).addTo(map);
    }
    drawDistricts(map, data.districtsUrl);

    if (data.points) {
      var points = JSON.parse(data.points);
      var group = L.featureGroup(points.map(function (point) {
        return L.marker([point.lat, point.lon]).bindPopup(popup({ name: point.name }));
      })).addTo(map);
      if (points.length > 1) {
        map.fitBounds(group.getBounds(), { padding: [20, 20], animate: false });
      }
      return;
    }

    getJSON(data.listingsUrl).then(function (collection) {
      var layer = typeof L.markerClusterGroup === "function" ? L.markerClusterGroup() : L.featureGroup();
      L.geoJSON(collection, {
        onEachFeature: function (feature, marker) {
          marker.bindPopup(popup(feature.properties || {}));
        }
      }).eachLayer(function (marker) {
        layer.addLayer(marker);
      });
      layer.addTo(map);
      if (collection.features.length && layer.getBounds().isValid()) {
        map.fitBounds(layer.getBounds(), { padding: [40, 40], maxZoom: 15, animate: false });
      }
      if (collection.truncated) {
        note(container, data.truncatedMessage);
      }
    }).catch(function () {
      note(container, data.errorMessage);
    });
  }

  function start() {
    document.querySelectorAll("[data-directory-map]").forEach(function (container) {
      if (typeof L === "undefined") {
        note(container, container.dataset.errorMessage);
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
