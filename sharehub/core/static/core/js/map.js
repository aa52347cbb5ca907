/*
 * The hub's one map script. Leaflet draws the hub's own data (a base map of district and
 * neighbourhood boundaries with their names, the points), so a map works on a closed network; a
 * tile layer is drawn only when the city configures one.
 * Every [data-map] element (rendered by `{% map %}`, core/partials/map.html) is configured by its
 * data- attributes:
 *   data-center "lat,lon", data-zoom     where the map opens before it fits what it shows
 *   data-tile-url, data-tile-attribution  background tiles; none when empty
 *   data-icon-url, data-icon-retina-url, data-shadow-url
 *                        Leaflet's marker images as the hub serves them (static URLs, possibly
 *                        hashed: Leaflet's own guess from leaflet.css cannot find them then)
 *   data-base-layers     JSON list of the base map's layers (core/basemap.py): {name, url, rank
 *                        "major"|"minor", minZoom, labelsFrom, labelsUntil}; areas with a `name`
 *   data-boundary-url    GeoJSON of the districts (properties name, slug, url)
 *   data-labels          the districts are what the map shows: named on hover, each opening its
 *                        page, fitted; without it they are only the base map
 *   data-focus           slug of one district to outline (and, with data-labels, to fit)
 *   data-points-url      GeoJSON of points (properties name, summary, address, url), fitted
 *   data-points          inline JSON list of {lat, lon, name, url}
 *   data-cluster         group nearby markers (needs leaflet.markercluster)
 *   data-pick-lat, data-pick-lon   ids of two inputs a click or a dragged pin fills (a picker)
 *   data-pick-point      id of one input filled with "lat,lon" (a picker)
 *   data-locate-label    a "my location" button (browser geolocation), with data-locate-denied,
 *                        data-locate-failed, data-locate-found messages
 *   data-zoom-in-label, data-zoom-out-label, data-error-message, data-truncated-message,
 *   data-pick-placed, data-pick-cleared, data-marker-label
 * The partial renders next to the map a status line (#<id>-status) and, for a picker, its buttons
 * ([data-map-actions]). Popups, tooltips and labels are built with DOM nodes and textContent:
 * names come from the public. The page always carries the same content as text, and a picker's
 * inputs stay usable without the map: the map is an enhancement.
 */
(function () {
  "use strict";

  var DISTRICT = { color: "#084c37", weight: 1.5, fillColor: "#0b6e4f", fillOpacity: 0.22 };
  var HOVER = { weight: 3, fillOpacity: 0.45 };
  var FOCUS = { color: "#1d4e89", weight: 3, fillColor: "#1d4e89", fillOpacity: 0.12 };
  var CONTEXT = { color: "#4f5b56", weight: 1, fillColor: "#4f5b56", fillOpacity: 0.06 };
  // The base map: the city's land light on the container's grey-green, districts outlined,
  // neighbourhoods dashed inside them.
  var BASE = {
    major: { color: "#4f5b56", weight: 1.5, fillColor: "#fbfcfb", fillOpacity: 0.9 },
    minor: { color: "#75827c", weight: 1, dashArray: "4 3", fill: false }
  };
  var BASE_FOCUS = { color: "#1d4e89", weight: 3, fillColor: "#e8eef6", fillOpacity: 0.9 };
  var STREET_ZOOM = 16;
  // Panes, bottom to top: tiles (200), Leaflet's overlays (400: the base map's districts, or the
  // districts as content, never both), the neighbourhoods' outlines (410), the names (450),
  // markers (600).
  var BASE_MAJOR_PANE = "overlayPane";
  var BASE_MINOR_PANE = "hubBaseMinor";
  var LABEL_PANE = "hubLabels";
  // Fired on the map once markers are placed, so the names make way for them.
  var POINTS_DRAWN = "hubpointsdrawn";

  function parseCenter(text) {
    var parts = (text || "").split(",").map(Number);
    return parts.length === 2 && parts.every(isFinite) ? parts : [37.5665, 126.978];
  }

  function statusOf(container) {
    return document.getElementById(container.id + "-status");
  }

  function say(container, message) {
    var status = statusOf(container);
    if (status) {
      status.textContent = message || "";
    }
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

  function marker(latlng, name, options) {
    // The marker's image is named for what it marks (Leaflet's default alt is "Marker").
    return L.marker(latlng, Object.assign({ alt: name || "" }, options || {}));
  }

  /* --- names written on the map ------------------------------------------------------------ */

  // Even-odd ray casting over every ring of a (multi)polygon layer: holes count as outside.
  function inside(latlng, path) {
    var result = false;
    (function walk(rings) {
      if (!rings.length) {
        return;
      }
      if (!(rings[0] instanceof L.LatLng)) {
        rings.forEach(walk);
        return;
      }
      for (var i = 0, j = rings.length - 1; i < rings.length; j = i++) {
        var a = rings[i];
        var b = rings[j];
        if ((a.lat > latlng.lat) !== (b.lat > latlng.lat) &&
            latlng.lng < (b.lng - a.lng) * (latlng.lat - a.lat) / (b.lat - a.lat) + a.lng) {
          result = !result;
        }
      }
    })(path.getLatLngs());
    return result;
  }

  // Where an area's name may be written in this view, best first: its centre when in view, then
  // points of the area inside the view (zoomed in, the centre is far away, yet a street-level map
  // should still name the neighbourhoods it shows).
  function labelSpots(entry, view) {
    // Leaflet computes a polygon's centre only once it is on a map: asked here, when it is.
    entry.center = entry.center || entry.path.getCenter();
    var spots = view.contains(entry.center) ? [entry.center] : [];
    if (!view.intersects(entry.bounds)) {
      return spots;
    }
    var south = Math.max(view.getSouth(), entry.bounds.getSouth());
    var north = Math.min(view.getNorth(), entry.bounds.getNorth());
    var west = Math.max(view.getWest(), entry.bounds.getWest());
    var east = Math.min(view.getEast(), entry.bounds.getEast());
    var tries = [[0.5, 0.5], [0.75, 0.5], [0.25, 0.5], [0.75, 0.25], [0.75, 0.75], [0.25, 0.25], [0.25, 0.75]];
    tries.forEach(function (at) {
      var spot = L.latLng(south + (north - south) * at[0], west + (east - west) * at[1]);
      if (inside(spot, entry.path)) {
        spots.push(spot);
      }
    });
    return spots;
  }

  function overlapping(box, boxes) {
    return boxes.some(function (other) {
      return box.left < other.right && box.right > other.left &&
        box.top < other.bottom && box.bottom > other.top;
    });
  }

  // A layer's names, shown in its zoom range for the areas in view; where two would overlap the
  // larger area (or the focused one) keeps its name. Labels are decoration: the page has the text.
  function Labels(map, layer, config, focus) {
    var entries = [];
    layer.eachLayer(function (path) {
      var props = path.feature.properties || {};
      if (!props.name) {
        return;
      }
      var bounds = path.getBounds();
      var size = (bounds.getNorth() - bounds.getSouth()) * (bounds.getEast() - bounds.getWest());
      entries.push({
        path: path,
        center: null,
        bounds: bounds,
        name: props.name,
        focused: Boolean(focus && props.slug === focus),
        priority: (focus && props.slug === focus ? 1e6 : 0) + size,
        tooltip: null
      });
    });
    entries.sort(function (a, b) { return b.priority - a.priority; });

    function hide(entry) {
      if (entry.tooltip) {
        map.removeLayer(entry.tooltip);
        entry.tooltip = null;
      }
    }

    function show(entry, rank, spot) {
      if (entry.tooltip) {
        entry.tooltip.setLatLng(spot);
      } else {
        entry.tooltip = L.tooltip({
          permanent: true,
          direction: "center",
          className: "map-label map-label-" + rank,
          pane: LABEL_PANE,
          interactive: false,
          opacity: 1
        }).setLatLng(spot).setContent(text(entry.name));
        map.openTooltip(entry.tooltip);
        entry.tooltip.getElement().setAttribute("aria-hidden", "true");
      }
      return entry.tooltip.getElement();
    }

    this.update = function () {
      var zoom = map.getZoom();
      var inRange = zoom >= config.labelsFrom && zoom < config.labelsUntil;
      var view = map.getBounds();
      var frame = map.getContainer().getBoundingClientRect();
      // A name never covers a marker or a control, nor a neighbourhood's a district's: those are
      // placed first (relabel updates the districts' names first).
      var obstacles = ".leaflet-marker-icon, .leaflet-control" +
        (config.rank === "minor" ? ", .map-label-major:not(.map-label-hidden)" : "");
      var placed = Array.prototype.map.call(
        map.getContainer().querySelectorAll(obstacles),
        function (element) { return element.getBoundingClientRect(); }
      );
      entries.forEach(function (entry) {
        // The outlined district is named at every zoom: a close view still says where it is.
        var wanted = (inRange || (entry.focused && config.rank === "major")) && map.hasLayer(layer);
        var spots = wanted ? labelSpots(entry, view) : [];
        for (var k = 0; k < spots.length; k++) {
          var element = show(entry, config.rank, spots[k]);
          element.classList.remove("map-label-hidden");
          var box = element.getBoundingClientRect();
          var cut = box.left < frame.left || box.right > frame.right ||
            box.top < frame.top || box.bottom > frame.bottom;
          if (!cut && !overlapping(box, placed)) {
            placed.push(box);
            return;
          }
        }
        if (entry.tooltip) {
          entry.tooltip.getElement().classList.add("map-label-hidden");
        }
        if (!spots.length) {
          hide(entry);
        }
      });
    };
    this.rank = config.rank;
    map.hubLabels.push(this);
    relabel(map);
  }

  // Every layer's names again, the districts' first, so the neighbourhoods' make way for them.
  function relabel(map) {
    map.hubLabels.slice().sort(function (a, b) {
      return (a.rank === "major" ? 0 : 1) - (b.rank === "major" ? 0 : 1);
    }).forEach(function (labels) {
      labels.update();
    });
  }

  /* --- the base map and the districts as content ---------------------------------------------- */

  function baseStyle(config, focus, tiles) {
    return function (feature) {
      var style = BASE[config.rank] || BASE.minor;
      if (config.rank === "major" && focus && feature.properties.slug === focus) {
        style = BASE_FOCUS;
      }
      // Over a tile layer the base map is only its outlines.
      return tiles ? Object.assign({}, style, { fillOpacity: 0 }) : style;
    };
  }

  // A base layer is fetched only once the map reaches its zoom (most maps never show the
  // neighbourhoods of the whole city), and drawn under everything else.
  function addBaseLayer(map, config, focus, tiles) {
    var layer = null;
    var loading = false;
    function wanted() {
      return map.getZoom() >= (config.minZoom || 0);
    }
    function sync() {
      if (layer) {
        if (wanted() && !map.hasLayer(layer)) {
          layer.addTo(map);
        } else if (!wanted() && map.hasLayer(layer)) {
          map.removeLayer(layer);
        }
        return;
      }
      if (!wanted() || loading) {
        return;
      }
      loading = true;
      getJSON(config.url).then(function (collection) {
        layer = L.geoJSON(collection, {
          style: baseStyle(config, focus, tiles),
          interactive: false,
          pane: config.rank === "major" ? BASE_MAJOR_PANE : BASE_MINOR_PANE
        });
        sync();
        layer.eachLayer(function (path) {
          if (focus && path.feature.properties.slug === focus && map.hasLayer(layer)) {
            path.bringToFront();
          }
        });
        // Names follow every move (moveend also ends each zoom, after sync has run).
        new Labels(map, layer, config, focus);
      }).catch(function () { /* only a background */ });
    }
    map.on("zoomend", sync);
    sync();
  }

  function drawBoundaries(map, collection, data, config) {
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
    if (config) {
      new Labels(map, layer, config, focus);
    }
  }

  /* --- points ------------------------------------------------------------------------------- */

  function markerLayer(data) {
    var clustered = "cluster" in data && typeof L.markerClusterGroup === "function";
    return clustered ? L.markerClusterGroup() : L.featureGroup();
  }

  function drawInlinePoints(map, data) {
    var points = JSON.parse(data.points);
    var group = L.featureGroup(points.map(function (point) {
      return marker([point.lat, point.lon], point.name).bindPopup(popup(point));
    })).addTo(map);
    if (points.length > 1) {
      fit(map, group, { padding: [20, 20], maxZoom: STREET_ZOOM });
    }
    map.fire(POINTS_DRAWN);
  }

  function drawPoints(map, container, collection) {
    var data = container.dataset;
    var layer = markerLayer(data);
    L.geoJSON(collection, {
      pointToLayer: function (feature, latlng) {
        return marker(latlng, (feature.properties || {}).name);
      },
      onEachFeature: function (feature, point) {
        point.bindPopup(popup(feature.properties || {}));
      }
    }).eachLayer(function (point) {
      layer.addLayer(point);
    });
    layer.addTo(map);
    if (collection.features.length) {
      fit(map, layer, { padding: [40, 40], maxZoom: 15 });
    }
    if (collection.truncated) {
      note(container, data.truncatedMessage);
    }
    map.fire(POINTS_DRAWN);
  }

  /* --- "my location" ----------------------------------------------------------------------- */

  // Geolocation needs a secure context (HTTPS or localhost): elsewhere the button could only fail.
  function canLocate() {
    return "geolocation" in navigator && window.isSecureContext !== false;
  }

  function svgIcon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    [["circle", { cx: 12, cy: 12, r: 4 }], ["path", { d: "M12 2v4M12 18v4M2 12h4M18 12h4" }],
      ["circle", { cx: 12, cy: 12, r: 8, fill: "none" }]].forEach(function (part) {
      var node = document.createElementNS(ns, part[0]);
      Object.keys(part[1]).forEach(function (name) {
        node.setAttribute(name, part[1][name]);
      });
      svg.appendChild(node);
    });
    return svg;
  }

  function addLocateControl(map, container, onFound) {
    var data = container.dataset;
    var here = null;
    var control = L.control({ position: "topleft" });
    control.onAdd = function () {
      var bar = L.DomUtil.create("div", "leaflet-bar leaflet-control map-locate");
      var button = L.DomUtil.create("button", "map-locate-button", bar);
      button.type = "button";
      button.title = data.locateLabel;
      button.setAttribute("aria-label", data.locateLabel);
      button.appendChild(svgIcon());
      L.DomEvent.disableClickPropagation(bar);
      L.DomEvent.on(button, "click", function () {
        button.setAttribute("aria-busy", "true");
        navigator.geolocation.getCurrentPosition(function (position) {
          button.removeAttribute("aria-busy");
          var latlng = L.latLng(position.coords.latitude, position.coords.longitude);
          if (here) {
            map.removeLayer(here);
          }
          here = L.featureGroup([
            L.circle(latlng, { radius: position.coords.accuracy || 0, weight: 1, color: "#1d4e89", fillOpacity: 0.1, interactive: false }),
            L.circleMarker(latlng, { radius: 7, weight: 3, color: "#fff", fillColor: "#1d4e89", fillOpacity: 1, interactive: false })
          ]).addTo(map);
          map.setView(latlng, Math.max(map.getZoom(), 15), { animate: false });
          say(container, data.locateFound);
          if (onFound) {
            onFound(latlng);
          }
        }, function (error) {
          button.removeAttribute("aria-busy");
          say(container, error.code === 1 ? data.locateDenied : data.locateFailed);
        }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
      });
      return bar;
    };
    control.addTo(map);
  }

  /* --- a picker: the map fills a form's coordinates ----------------------------------------- */

  function round(value) {
    return Math.round(value * 1e6) / 1e6;
  }

  function changed(input) {
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // Reads and writes the point as two inputs (latitude, longitude) or one ("lat,lon").
  function pickerFields(data) {
    var lat = data.pickLat && document.getElementById(data.pickLat);
    var lon = data.pickLon && document.getElementById(data.pickLon);
    var one = data.pickPoint && document.getElementById(data.pickPoint);
    function parse(latText, lonText) {
      var a = parseFloat(latText);
      var b = parseFloat(lonText);
      return isFinite(a) && isFinite(b) && Math.abs(a) <= 90 && Math.abs(b) <= 180 ? L.latLng(a, b) : null;
    }
    return {
      inputs: one ? [one] : [lat, lon].filter(Boolean),
      read: function () {
        if (one) {
          var parts = one.value.split(",");
          return parts.length === 2 ? parse(parts[0], parts[1]) : null;
        }
        return lat && lon ? parse(lat.value, lon.value) : null;
      },
      write: function (latlng) {
        if (one) {
          one.value = latlng ? round(latlng.lat) + "," + round(latlng.lng) : "";
          changed(one);
        } else if (lat && lon) {
          lat.value = latlng ? String(round(latlng.lat)) : "";
          lon.value = latlng ? String(round(latlng.lng)) : "";
          changed(lat);
          changed(lon);
        }
      }
    };
  }

  function initPicker(map, container) {
    var data = container.dataset;
    var fields = pickerFields(data);
    var pin = null;

    function announce(latlng) {
      say(container, latlng ? data.pickPlaced + " " + round(latlng.lat) + ", " + round(latlng.lng) : data.pickCleared);
    }
    function place(latlng) {
      if (!pin) {
        pin = marker(latlng, data.markerLabel, { draggable: true, autoPan: true }).addTo(map);
        pin.on("dragend", function () {
          fields.write(pin.getLatLng());
          announce(pin.getLatLng());
        });
      } else {
        pin.setLatLng(latlng);
      }
      map.fire(POINTS_DRAWN);
    }
    function clear() {
      if (pin) {
        map.removeLayer(pin);
        pin = null;
      }
    }
    function pick(latlng) {
      place(latlng);
      fields.write(latlng);
      announce(latlng);
      if (map.getZoom() < STREET_ZOOM - 1) {
        map.setView(latlng, STREET_ZOOM, { animate: false });
      }
    }

    var start = fields.read();
    if (start) {
      place(start);
      map.setView(start, STREET_ZOOM, { animate: false });
    }
    map.on("click", function (event) {
      pick(event.latlng);
    });
    // Typing the coordinates moves the pin; the map never overwrites what is being typed.
    fields.inputs.forEach(function (input) {
      input.addEventListener("change", function (event) {
        if (!event.isTrusted) {
          return;
        }
        var latlng = fields.read();
        if (latlng) {
          place(latlng);
          map.panTo(latlng, { animate: false });
        } else {
          clear();
        }
      });
    });
    var actions = document.querySelector('[data-map-actions="' + container.id + '"]');
    if (actions) {
      actions.hidden = false;
      actions.querySelector("[data-pick-centre]").addEventListener("click", function () {
        pick(map.getCenter());
      });
      actions.querySelector("[data-pick-clear]").addEventListener("click", function () {
        clear();
        fields.write(null);
        announce(null);
      });
    }
    return pick;
  }

  /* --- one map ------------------------------------------------------------------------------ */

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
    [BASE_MINOR_PANE, LABEL_PANE].forEach(function (pane) {
      map.createPane(pane);
    });
    map.hubLabels = [];
    map.on("moveend " + POINTS_DRAWN, function () {
      relabel(map);
    });
    L.control.zoom({
      zoomInTitle: data.zoomInLabel || "Zoom in",
      zoomOutTitle: data.zoomOutLabel || "Zoom out"
    }).addTo(map);
    map.setView(parseCenter(data.center), Number(data.zoom) || 11);
    if (data.tileUrl) {
      L.tileLayer(data.tileUrl, { attribution: data.tileAttribution || "", maxZoom: 19 }).addTo(map);
    }
    // A map in a closed <details> or a hidden panel has no size until it is shown.
    if (typeof ResizeObserver === "function") {
      new ResizeObserver(function () {
        map.invalidateSize({ animate: false });
      }).observe(container);
    }

    var content = "labels" in data ? data.boundaryUrl : "";
    var contentConfig = null;
    var layers = JSON.parse(data.baseLayers || "[]");
    if (data.boundaryUrl && !content && !layers.some(function (c) { return c.url === data.boundaryUrl; })) {
      // Districts asked for as a background that the base map does not already draw.
      layers.unshift({ url: data.boundaryUrl, rank: "major", minZoom: 0, labelsFrom: 99, labelsUntil: 99 });
    }
    layers.forEach(function (config) {
      if (config.url === content) {
        contentConfig = config;
      } else {
        addBaseLayer(map, config, data.focus || "", Boolean(data.tileUrl));
      }
    });
    if (content) {
      // The districts are the content: say so when they cannot be drawn.
      getJSON(content).then(function (collection) {
        drawBoundaries(map, collection, data, contentConfig);
      }).catch(function () {
        note(container, data.errorMessage);
      });
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
    var pick = data.pickLat || data.pickPoint ? initPicker(map, container) : null;
    if (data.locateLabel && canLocate()) {
      addLocateControl(map, container, pick);
    }
  }

  function startOne(container) {
    if (typeof L === "undefined") {
      note(container, container.dataset.errorMessage);
    } else {
      initMap(container);
    }
  }

  // A map inside a closed <details> (the directory's "More filters") is drawn when it is first
  // opened: drawing its base map costs a phone a long task, and it fetches the boundaries, for a
  // map most visitors never open.
  function whenShown(container) {
    var closed = container.closest("details:not([open])");
    if (!closed) {
      startOne(container);
      return;
    }
    closed.addEventListener("toggle", function opened() {
      if (closed.open) {
        closed.removeEventListener("toggle", opened);
        whenShown(container);
      }
    });
  }

  function start() {
    document.querySelectorAll("[data-map]").forEach(whenShown);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
