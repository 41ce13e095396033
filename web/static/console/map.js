// A small map drawn from our own data as SVG: no tile server, nothing loaded from outside.
// Street boundaries come from GET /api/v1/visits/location-reference (the service's reading of
// district data's *streets_osm.geojson, © OpenStreetMap contributors, ODbL 1.0); the
// community's point and radius and a visit's fix come with the records. Positions are
// WGS-84 [lon, lat]; the projection is equirectangular about the frame's centre, with the
// longitude scaled by cos(latitude): at a street's size it is true to well under a metre.
const SVG = "http://www.w3.org/2000/svg";
const M_PER_DEG_LAT = 110574;
const M_PER_DEG_LON = 111320;
const SCALE_STEPS = [10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];
export const ATTRIBUTION = "© OpenStreetMap contributors";

let reference = null;
// Every street's boundary, fetched once per page load: { code: { name, rings } }.
export function streets(api) {
  if (!reference) {
    reference = api("/api/v1/visits/location-reference").then((data) =>
      Object.fromEntries(data.streets.map((s) => [s.code, s])))
      .catch((error) => { reference = null; throw error; });
  }
  return reference;
}

// Metres from a point to the nearest edge of rings ([lon, lat] pairs), 0 inside one of them:
// what the server judges a fix by when the community has no point yet.
export function metresOutside(rings, lat, lon) {
  const kx = M_PER_DEG_LON * Math.cos((lat * Math.PI) / 180);
  let inside = false; let nearest = Infinity;
  for (const ring of rings) {
    const pts = ring.map(([x, y]) => [(x - lon) * kx, (y - lat) * M_PER_DEG_LAT]);
    for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
      const [ax, ay] = pts[i]; const [bx, by] = pts[j];
      if ((ay > 0) !== (by > 0) && 0 < ((bx - ax) * (0 - ay)) / (by - ay) + ax) inside = !inside;
      const dx = bx - ax; const dy = by - ay; const length = dx * dx + dy * dy;
      const t = length ? Math.max(0, Math.min(1, -(ax * dx + ay * dy) / length)) : 0;
      nearest = Math.min(nearest, Math.hypot(ax + t * dx, ay + t * dy));
    }
  }
  return inside ? 0 : nearest;
}

function el(name, attributes = {}, text = null) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text !== null) node.textContent = text;
  return node;
}

const metresText = (m) => (m >= 1000 ? `${m / 1000} 公里` : `${m} 米`);

// The extent, in metres about (lon0, lat0), of points each with an optional radius in metres.
function frame(points) {
  const lats = points.map((p) => p.lat);
  const lons = points.map((p) => p.lon);
  const lat0 = (Math.min(...lats) + Math.max(...lats)) / 2;
  const lon0 = (Math.min(...lons) + Math.max(...lons)) / 2;
  const kx = M_PER_DEG_LON * Math.cos((lat0 * Math.PI) / 180);
  let minX = Infinity; let maxX = -Infinity; let minY = Infinity; let maxY = -Infinity;
  for (const p of points) {
    const x = (p.lon - lon0) * kx; const y = (lat0 - p.lat) * M_PER_DEG_LAT; const r = p.r || 0;
    minX = Math.min(minX, x - r); maxX = Math.max(maxX, x + r);
    minY = Math.min(minY, y - r); maxY = Math.max(maxY, y + r);
  }
  return { lat0, lon0, kx, minX, maxX, minY, maxY };
}

// drawMap({ rings, community: {lat, lon, radius_m}, fix: {lat, lon, accuracy_m},
//   suggestion: {lat, lon, visits}, chosen: {lat, lon, radius_m}, fit, width, height,
//   onPick(lat, lon), title }) → an <svg>. `fit` lists what the frame must hold (all by
//   default); the SVG has a viewBox and scales with its box. mapProject(lon, lat) → [x, y] and
//   mapUnproject(x, y) → [lon, lat] are on the element (the tests use them).
export function drawMap({ rings = [], community = null, fix = null, suggestion = null,
  chosen = null, fit = null, width = 320, height = 240, onPick = null, title = "地图" } = {}) {
  const ringPoints = rings.flat().map(([lon, lat]) => ({ lon, lat }));
  const circles = {
    community: community && community.lat != null ? { lat: community.lat, lon: community.lon, r: community.radius_m } : null,
    fix: fix && fix.lat != null ? { lat: fix.lat, lon: fix.lon, r: fix.accuracy_m || 0 } : null,
    suggestion: suggestion && suggestion.lat != null ? { lat: suggestion.lat, lon: suggestion.lon, r: 0 } : null,
    chosen: chosen && chosen.lat != null ? { lat: chosen.lat, lon: chosen.lon, r: chosen.radius_m || 0 } : null,
  };
  const wanted = fit || ["rings", "community", "fix", "suggestion", "chosen"];
  let points = [...(wanted.includes("rings") ? ringPoints : []),
    ...wanted.filter((k) => k !== "rings" && circles[k]).map((k) => circles[k])];
  if (!points.length) points = Object.values(circles).filter(Boolean);
  if (!points.length) points = [{ lat: 39.9123, lon: 116.366, r: 3000 }]; // the district
  const f = frame(points);
  const footer = 18; const pad = 10;
  const spanX = Math.max(f.maxX - f.minX, 100); const spanY = Math.max(f.maxY - f.minY, 100);
  const scale = Math.min((width - 2 * pad) / spanX, (height - 2 * pad - footer) / spanY); // px per metre
  const cx = (f.minX + f.maxX) / 2; const cy = (f.minY + f.maxY) / 2;
  const ox = width / 2; const oy = (height - footer) / 2;
  const project = (lon, lat) => [ox + ((lon - f.lon0) * f.kx - cx) * scale, oy + ((f.lat0 - lat) * M_PER_DEG_LAT - cy) * scale];
  const unproject = (x, y) => [f.lon0 + ((x - ox) / scale + cx) / f.kx, f.lat0 - ((y - oy) / scale + cy) / M_PER_DEG_LAT];
  const px = (n) => n.toFixed(1);

  const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", class: "map-svg", "aria-label": title });
  svg.append(el("title", {}, title));
  svg.append(el("rect", { x: 0, y: 0, width, height, fill: "#f4f6f2", class: "map-ground" }));
  for (const ring of rings) {
    svg.append(el("polygon", { class: "map-street", points: ring.map(([lon, lat]) => project(lon, lat).map(px).join(",")).join(" "),
      fill: "#dde8f5", stroke: "#2f5597", "stroke-width": 1.5, "stroke-linejoin": "round" }));
  }
  const circle = (c, attributes) => {
    const [x, y] = project(c.lon, c.lat);
    return el("circle", { cx: px(x), cy: px(y), r: px(Math.max(c.r * scale, 0)), ...attributes });
  };
  const dot = (c, attributes) => {
    const [x, y] = project(c.lon, c.lat);
    return el("circle", { cx: px(x), cy: px(y), r: 4, stroke: "#fff", "stroke-width": 1.5, ...attributes });
  };
  if (circles.community) {
    svg.append(circle(circles.community, { class: "map-community-radius", fill: "#1e7b34", "fill-opacity": 0.08, stroke: "#1e7b34", "stroke-dasharray": "5 3" }));
    svg.append(dot(circles.community, { class: "map-community", fill: "#1e7b34" }));
  }
  if (circles.suggestion) {
    const [x, y] = project(circles.suggestion.lon, circles.suggestion.lat);
    const diamond = el("polygon", { class: "map-suggestion", points: `${px(x)},${px(y - 7)} ${px(x + 7)},${px(y)} ${px(x)},${px(y + 7)} ${px(x - 7)},${px(y)}`,
      fill: "#e69500", stroke: "#fff", "stroke-width": 1.5 });
    diamond.append(el("title", {}, `建议位置${suggestion.visits ? `（${suggestion.visits} 次走访）` : ""}`));
    svg.append(diamond);
  }
  if (circles.chosen) {
    svg.append(circle(circles.chosen, { class: "map-chosen-radius", fill: "#2f5597", "fill-opacity": 0.1, stroke: "#2f5597", "stroke-dasharray": "5 3" }));
    svg.append(dot(circles.chosen, { class: "map-chosen", fill: "#2f5597", r: 5 }));
  }
  if (circles.fix) {
    svg.append(circle(circles.fix, { class: "map-accuracy", fill: "#b00020", "fill-opacity": 0.12, stroke: "#b00020", "stroke-width": 1 }));
    svg.append(dot(circles.fix, { class: "map-fix", fill: "#b00020" }));
  }
  // The scale bar: the longest round length within a quarter of the width.
  const metres = SCALE_STEPS.filter((m) => m * scale <= width / 4).pop() || SCALE_STEPS[0];
  const barY = height - 6; const barX = 8; const barW = metres * scale;
  const bar = el("g", { class: "map-scale" });
  bar.append(el("rect", { x: 0, y: height - footer, width, height: footer, fill: "#fff", "fill-opacity": 0.85 }));
  bar.append(el("path", { d: `M${barX} ${barY - 5} V${barY} H${px(barX + barW)} V${barY - 5}`, fill: "none", stroke: "#222", "stroke-width": 1.5 }));
  bar.append(el("text", { x: px(barX + barW + 5), y: barY, "font-size": 10, fill: "#222" }, metresText(metres)));
  svg.append(bar);
  svg.append(el("text", { class: "map-attribution", x: width - 4, y: height - 6, "font-size": 9, fill: "#555", "text-anchor": "end" }, ATTRIBUTION));

  svg.mapProject = project;
  svg.mapUnproject = unproject;
  svg.metresPerPixel = 1 / scale;
  if (onPick) {
    svg.classList.add("pickable");
    svg.addEventListener("click", (event) => {
      const point = svg.createSVGPoint();
      point.x = event.clientX; point.y = event.clientY;
      const inside = point.matrixTransform(svg.getScreenCTM().inverse());
      if (inside.y > height - footer) return; // the scale bar and the attribution
      const [lon, lat] = unproject(inside.x, inside.y);
      onPick(Math.round(lat * 1e6) / 1e6, Math.round(lon * 1e6) / 1e6);
    });
  }
  return svg;
}
