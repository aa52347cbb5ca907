/*
 * The hub's one map script. Leaflet draws the hub's own data (district boundaries, points), so a
 * map works on a closed network; a tile layer is drawn only when the city configures one.
 * Every [data-map] element (rendered by `{% map %}`, core/partials/map.html) is configured by its
 * data- attributes:
 *   data-center "lat,lon", data-zoom     where the map opens before it fits what it shows
 *   data-tile-url, data-tile-attribution  background tiles; none when empty
 *   data-icon-url, data-icon-retina-url, data-shadow-url
 *                        Leaflet's marker images as the hub serves them (static URLs, possibly
 *                        hashed: Leaflet's own guess from leaflet.css cannot find them then)
 *   data-boundary-url    GeoJSON of the districts (properties name, slug, url)
 *   data-labels          the districts are what the map shows: named on hover, each opening its
 *                        page, fitted; without it they are a light, inert background
 *   data-focus           slug of one district to highlight and fit
 *   data-points-url      GeoJSON of points (properties name, summary, address, url), fitted
 *   data-points          inline JSON list of {lat, lon, name, url}
 *   data-cluster         group nearby markers (needs leaflet.markercluster)
 *   data-zoom-in-label, data-zoom-out-label, data-error-message, data-truncated-message
 * Popups and tooltips are built with DOM nodes and textContent: names come from the public. The
 * page always carries the same content as text: the map is an enhancement.
 */
(function () {
  "use strict";

  var BACKGROUND = { color: "#4f5b56", weight: 1, fillColor: "#0b6e4f", fillOpacity: 0.06 };
  var DISTRICT = { color: "#084c37", weight: 1.5, fillColor: "#0b6e4f", fillOpacity: 0.22 };
  var HOVER = { weight: 3, fillOpacity: 0.45 };
  var FOCUS = { color: "#1d4e89", weight: 3, fillColor: "#1d4e89", fillOpacity: 0.35 };
  var CONTEXT = { color: "#4f5b56", weight: 1, fillColor: "#4f5b56", fillOpacity: 0.06 };

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
    return fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "application/geo+json, application/json" }
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    });
  }

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value;
    return span;
  }

  function popup(props) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    if (props.url) {
      var link = document.createElement("a");
      link.href = props.url;
      link.textContent = props.name || "";
      title.appendChild(link);
    } else {
      title.textContent = props.name || "";
    }
    box.appendChild(title);
    [props.summary, props.address].forEach(function (value) {
      if (value) {
        var p = document.createElement("p");
        p.textContent = value;
        box.appendChild(p);
      }
    });
    return box;
  }

  function fit(map, layer, options) {
    if (layer.getBounds && layer.getBounds().isValid()) {
      map.fitBounds(layer.getBounds(), Object.assign({ animate: false }, options));
    }
  }

  function useHubIcons(data) {
    if (!data.iconUrl) {
      return;
    }
    // An empty image path makes Leaflet use the URLs as given instead of guessing a folder.
    L.Icon.Default.imagePath = "";
    L.Icon.Default.mergeOptions({
      iconUrl: data.iconUrl,
      iconRetinaUrl: data.iconRetinaUrl || data.iconUrl,
      shadowUrl: data.shadowUrl
    });
  }

  function drawBoundaries(map, collection, data) {
    if (!("labels" in data)) {
      L.geoJSON(collection, { style: BACKGROUND, interactive: false }).addTo(map);
      return;
    }
    var focus = data.focus || "";
    var focused = null;
    var layer = L.geoJSON(collection, {
      style: function (feature) {
        if (!focus) {
          return DISTRICT;
        }
        return feature.properties.slug === focus ? FOCUS : CONTEXT;
      },
      onEachFeature: function (feature, path) {
        var props = feature.properties || {};
        path.bindTooltip(text(props.name || props.code || ""), { sticky: true, direction: "top" });
        if (focus && props.slug === focus) {
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
    fit(map, focused || layer, { padding: [12, 12] });
    if (focused) {
      focused.bringToFront();
    }
  }

  function markerLayer(data) {
    var clustered = "cluster" in data && typeof L.markerClusterGroup === "function";
    return clustered ? L.markerClusterGroup() : L.featureGroup();
  }

  function drawInlinePoints(map, data) {
    var points = JSON.parse(data.points);
    var group = L.featureGroup(points.map(function (point) {
      return L.marker([point.lat, point.lon]).bindPopup(popup(point));
    })).addTo(map);
    if (points.length > 1) {
      fit(map, group, { padding: [20, 20] });
    }
  }

  function drawPoints(map, container, collection) {
    var data = container.dataset;
    var layer = markerLayer(data);
    L.geoJSON(collection, {
      onEachFeature: function (feature, marker) {
        marker.bindPopup(popup(feature.properties || {}));
      }
    }).eachLayer(function (marker) {
      layer.addLayer(marker);
    });
    layer.addTo(map);
    if (collection.features.length) {
      fit(map, layer, { padding: [40, 40], maxZoom: 15 });
    }
    if (collection.truncated) {
      note(container, data.truncatedMessage);
    }
  }

  function initMap(container) {
    var data = container.dataset;
    useHubIcons(data);
    // Quarter zoom steps let a whole city fill the frame; the wheel is off so the page scrolls.
    // Marker clustering needs a maxZoom, which a map without a tile layer does not otherwise have.
    var map = L.map(container, {
      zoomControl: false,
      scrollWheelZoom: false,
      zoomSnap: 0.25,
      maxZoom: 18
    });
    L.control.zoom({
      zoomInTitle: data.zoomInLabel || "Zoom in",
      zoomOutTitle: data.zoomOutLabel || "Zoom out"
    }).addTo(map);
    map.setView(parseCenter(data.center), Number(data.zoom) || 11);
    if (data.tileUrl) {
      L.tileLayer(data.tileUrl, { attribution: data.tileAttribution || "", maxZoom: 19 }).addTo(map);
    }

    if (data.boundaryUrl) {
      var boundaries = getJSON(data.boundaryUrl).then(function (collection) {
        drawBoundaries(map, collection, data);
      });
      if ("labels" in data) {
        // The boundaries are the content: say so when they cannot be drawn.
        boundaries.catch(function () {
          note(container, data.errorMessage);
        });
      } else {
        boundaries.catch(function () { /* only a background */ });
      }
    }
    if (data.points) {
      drawInlinePoints(map, data);
    } else if (data.pointsUrl) {
      getJSON(data.pointsUrl).then(function (collection) {
        drawPoints(map, container, collection);
      }).catch(function () {
        note(container, data.errorMessage);
      });
    }
  }

  function start() {
    document.querySelectorAll("[data-map]").forEach(function (container) {
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
