// 社区位置: communities whose point is not known yet, each with the location suggested by its
// well-located (`ok`) visits on a map of its street; accept the suggestion or click the map to
// place the point, set the radius, save (PATCH /api/v1/communities/<code>).
const { drawMap, streets } = await import(`./map.js${new URL(import.meta.url).search}`);

const DEFAULT_RADIUS_M = 800;
const shown = { street: "", which: "missing", code: null };
let streetList = null;
let renders = 0; // only the latest rendering asked for draws
let suggestions = {}; // community code → its suggested location, read with the list

export const page = {
  key: "locations",
  label: "社区位置",
  async render(kit) {
    const { view, api, esc, num } = kit;
    const ticket = ++renders;
    const query = new URLSearchParams({ per_page: 500 });
    if (shown.street) query.set("street_code", shown.street);
    if (shown.which === "missing") query.set("has_point", "false");
    const [communities, suggested, areas] = await Promise.all([api(`/api/v1/communities?${query}`),
      api(`/api/v1/communities/suggested-locations?${query}`), streets(api),
      streetList ? null : api("/api/v1/streets?per_page=500").then((d) => { streetList = d.items; })]);
    if (ticket !== renders || location.hash !== "#locations") return; // asked again, or left
    suggestions = Object.fromEntries(suggested.items.map((s) => [s.community_code, s]));
    const support = (c) => (suggestions[c.code] ? suggestions[c.code].visits : 0);
    // Those with a suggestion first (the best supported first), then in code order.
    const list = [...communities.items].sort((a, b) => support(b) - support(a) || a.code.localeCompare(b.code));
    const withSuggestion = list.filter((c) => support(c) > 0).length;
    if (!list.some((c) => c.code === shown.code)) shown.code = list.length ? list[0].code : null;
    const option = (value, text, current) => `<option value="${esc(value)}" ${value === current ? "selected" : ""}>${esc(text)}</option>`;
    view.innerHTML = `<section class="card locations-page" id="locations">
      <h2>社区位置</h2>
      <p class="muted">有了位置点，走访按“距社区位置点是否在判定半径内”检查；没有位置点时只能按街道边界判断。建议位置取自该社区位置正常的走访定位（中位数）。</p>
      <div class="console-filters">
        <div><label for="lf-street">街道</label><select id="lf-street">${option("", "全部街道", shown.street)}${streetList.map((s) => option(s.code, s.name, shown.street)).join("")}</select></div>
        <div><label for="lf-which">显示</label><select id="lf-which">${option("missing", "尚无位置点的社区", shown.which)}${option("all", "全部社区", shown.which)}</select></div>
      </div>
      <p id="locations-count">${shown.which === "missing" ? `尚无位置点的社区 ${num(communities.total)} 个` : `社区 ${num(communities.total)} 个`}，其中 ${num(withSuggestion)} 个有建议位置</p>
      <div class="locations-layout">
        <ul class="locations-list" id="locations-list">${list.map((c) => `<li><button type="button" class="${c.code === shown.code ? "on" : ""}" data-code="${c.code}">
          ${esc(c.name)}<span class="muted">${esc(c.street_name)}${c.latitude != null ? " · 已定位" : ""}${support(c) ? ` · 建议位置（${support(c)} 次走访）` : ""}</span></button></li>`).join("") || '<li class="muted">所有社区都已设置位置点</li>'}</ul>
        <div class="locations-detail" id="location-detail"></div>
      </div>
    </section>`;
    view.querySelector("#lf-street").addEventListener("change", (e) => { shown.street = e.target.value; page.render(kit); });
    view.querySelector("#lf-which").addEventListener("change", (e) => { shown.which = e.target.value; page.render(kit); });
    view.querySelectorAll("[data-code]").forEach((b) => b.addEventListener("click", () => {
      shown.code = b.dataset.code;
      view.querySelectorAll("[data-code]").forEach((x) => x.classList.toggle("on", x === b));
      detail(kit, list.find((c) => c.code === shown.code), areas);
    }));
    if (shown.code) detail(kit, list.find((c) => c.code === shown.code), areas);
  },
};

function detail(kit, community, areas) {
  const { view, api, toast, esc } = kit;
  const box = view.querySelector("#location-detail");
  const suggestion = suggestions[community.code] || { latitude: null, longitude: null, visits: 0 };
  const area = areas[community.street_code];
  const chosen = { lat: community.latitude, lon: community.longitude, radius_m: community.radius_m || DEFAULT_RADIUS_M };
  const hasSuggestion = suggestion.latitude != null;
  box.innerHTML = `<h3 id="location-name">${esc(community.name)}</h3>
    <p class="muted">${esc(community.street_name)} · 编码 ${community.code}${community.latitude != null ? ` · 当前位置点：纬度 ${community.latitude}，经度 ${community.longitude}，半径 ${community.radius_m} 米` : " · 尚无位置点"}</p>
    <p id="location-suggestion">${hasSuggestion ? `建议位置：纬度 ${suggestion.latitude}，经度 ${suggestion.longitude}（依据 ${suggestion.visits} 次位置正常的走访）`
      : "暂无建议位置：该社区还没有位置正常的走访"}</p>
    <div class="location-map" id="location-map"></div>
    <p class="muted map-legend"><span class="key street"></span>街道边界 <span class="key suggestion"></span>建议位置 <span class="key chosen"></span>社区位置点与判定半径 · 点击地图放置位置点</p>
    <form id="location-form" novalidate>
      ${hasSuggestion ? '<button type="button" class="secondary" id="location-accept">采用建议位置</button>' : ""}
      <div class="location-fields">
        <div><label for="location-lat">纬度</label><input id="location-lat" name="latitude" type="number" step="any" inputmode="decimal" value="${chosen.lat ?? ""}">
          <p class="error" data-field="latitude" hidden></p></div>
        <div><label for="location-lon">经度</label><input id="location-lon" name="longitude" type="number" step="any" inputmode="decimal" value="${chosen.lon ?? ""}">
          <p class="error" data-field="longitude" hidden></p></div>
        <div><label for="location-radius">判定半径（米）</label><input id="location-radius" name="radius_m" type="number" min="50" max="10000" step="1" inputmode="numeric" value="${chosen.radius_m}">
          <p class="error" data-field="radius_m" hidden></p></div>
      </div>
      <p class="error" id="location-error" hidden></p>
      <button type="submit" id="location-save">保存位置</button>
    </form>`;
  const form = box.querySelector("#location-form");
  const lat = box.querySelector("#location-lat");
  const lon = box.querySelector("#location-lon");
  const radius = box.querySelector("#location-radius");
  const number = (input) => (input.value.trim() === "" ? null : Number(input.value));
  const redraw = () => {
    const map = drawMap({
      rings: area ? area.rings : [], width: 560, height: 400, fit: ["rings", "suggestion"],
      suggestion: hasSuggestion ? { lat: suggestion.latitude, lon: suggestion.longitude, visits: suggestion.visits } : null,
      chosen: number(lat) != null && number(lon) != null ? { lat: number(lat), lon: number(lon), radius_m: number(radius) || 0 } : null,
      title: `${community.name}所在的${area ? area.name : "街道"}`,
      onPick: (pickedLat, pickedLon) => { lat.value = pickedLat; lon.value = pickedLon; redraw(); },
    });
    box.querySelector("#location-map").replaceChildren(map);
  };
  redraw();
  [lat, lon, radius].forEach((input) => input.addEventListener("input", redraw));
  box.querySelector("#location-accept")?.addEventListener("click", () => { lat.value = suggestion.latitude; lon.value = suggestion.longitude; redraw(); });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    box.querySelectorAll(".error").forEach((p) => { p.hidden = true; });
    const say = (field, text) => { const p = field ? box.querySelector(`[data-field="${field}"]`) : box.querySelector("#location-error"); p.textContent = text; p.hidden = false; };
    const body = { latitude: number(lat), longitude: number(lon), radius_m: number(radius) };
    if (body.latitude == null || body.longitude == null) { say(null, "请先采用建议位置或点击地图放置位置点"); return; }
    if (!Number.isInteger(body.radius_m) || body.radius_m < 50 || body.radius_m > 10000) { say("radius_m", "判定半径应为 50 至 10000 之间的整数（米）"); return; }
    const button = box.querySelector("#location-save");
    button.disabled = true;
    try {
      await api(`/api/v1/communities/${community.code}`, { method: "PATCH", body });
      toast(`已保存${community.name}的位置`);
      await page.render(kit);
    } catch (error) {
      const fields = (error.body && error.body.errors && error.body.errors.json) || {};
      const named = Object.keys(fields).filter((f) => box.querySelector(`[data-field="${f}"]`));
      if (named.length) named.forEach((f) => say(f, kit.reasonText({ [f]: fields[f] }) || error.message));
      else say(null, error.message);
      button.disabled = false;
    }
  });
}
