// What the console's 推广工作登记, 合同目标 and 周报 pages share: the district's places, links
// a person typed (data, never code), a record's history, and refusals shown at their field.

const ACTIONS = { create: "新建", update: "修改", delete: "删除", load: "加载" };

// Every item of a list, page after page (a city holds thousands of communities).
async function everyItem(api, path) {
  const first = await api(`${path}?per_page=500`);
  const pages = Math.ceil(first.total / 500);
  const rest = await Promise.all(Array.from({ length: Math.max(0, pages - 1) },
    (_, n) => api(`${path}?per_page=500&page=${n + 2}`)));
  return { items: [first, ...rest].flatMap((page) => page.items) };
}

// Streets with their communities, read once per session of the console.
let places = null;
export async function districtPlaces(api) {
  if (!places) {
    const [streets, communities] = await Promise.all([
      everyItem(api, "/api/v1/streets"), everyItem(api, "/api/v1/communities")]);
    const byStreet = new Map(streets.items.map((s) => [s.code, { code: s.code, name: s.name, district: s.district_code, communities: [] }]));
    for (const c of communities.items) byStreet.get(c.street_code)?.communities.push({ code: c.code, name: c.name });
    places = {
      streets: [...byStreet.values()],
      streetName: new Map(streets.items.map((s) => [s.code, s.name])),
      communityName: new Map(communities.items.map((c) => [c.code, c.name])),
    };
  }
  return places;
}

// Only an http(s) address becomes a link; anything else is shown as the text it is.
export function safeLink(url, esc, text = url) {
  if (!url) return "";
  let parsed = null;
  try { parsed = new URL(url); } catch { parsed = null; }
  if (!parsed || !["http:", "https:"].includes(parsed.protocol)) return `<span class="plain-url">${esc(url)}</span>`;
  return `<a href="${esc(parsed.href)}" target="_blank" rel="noopener noreferrer">${esc(text)}</a>`;
}

// A history entry's changes as 字段：旧 → 新 (a reason as it was written).
function changeText(kit, labels, name, value, format) {
  const label = labels[name] || kit.FIELD_LABELS[name] || name;
  if (name === "reason") return `原因：${kit.esc(value)}`;
  const shown = (v) => (v == null || v === "" || (Array.isArray(v) && !v.length) ? "（空）"
    : kit.esc(format ? format(name, v) : Array.isArray(v) ? v.join("、") : v));
  if (Array.isArray(value) && value.length === 2) return `${kit.esc(label)}：${shown(value[0])} → ${shown(value[1])}`;
  return `${kit.esc(label)}：${shown(value)}`;
}

export function historyHtml(kit, entries, labels = {}, format = null) {
  if (!entries.length) return '<p class="muted">暂无记录</p>';
  return `<ol class="history">${entries.map((e) => `<li data-action="${kit.esc(e.action)}">
      <b>${kit.esc(kit.localTime(e.at))}</b> · ${kit.esc(e.actor || "系统")} · ${ACTIONS[e.action] || kit.esc(e.action)}
      ${e.action === "update" ? `<div class="changes">${Object.entries(e.changes || {})
        .map(([k, v]) => `<div>${changeText(kit, labels, k, v, format)}</div>`).join("")}</div>` : ""}</li>`).join("")}</ol>`;
}

// The server's refusals under the fields they name; what names no field of the form goes to
// the form's own line. Returns whether anything was shown.
export function showFieldErrors(kit, form, error) {
  clearFieldErrors(form);
  const errors = (error.body && error.body.errors) || {};
  const byField = {};
  const collect = (value) => (Array.isArray(value) ? value.flatMap(collect)
    : value && typeof value === "object" ? Object.values(value).flatMap(collect) : [String(value)]);
  const add = (name, messages) => {
    const field = name.split(".")[0];
    byField[field] = [...(byField[field] || []), ...collect(messages)];
  };
  // Validation errors come by where they were sent ({json: {field: …}}); a conflict names
  // its fields directly.
  for (const [key, value] of Object.entries(errors)) {
    if (["json", "query", "form", "files"].includes(key) && value && !Array.isArray(value) && typeof value === "object") {
      Object.entries(value).forEach(([name, messages]) => add(name, messages));
    } else add(key, value);
  }
  const general = [];
  for (const [field, messages] of Object.entries(byField)) {
    const slot = form.querySelector(`[data-error-for="${CSS.escape(field)}"]`);
    if (slot) {
      slot.textContent = [...new Set(messages)].join("；");
      slot.hidden = false;
      slot.previousElementSibling?.setAttribute("aria-invalid", "true");
    } else general.push(...messages);
  }
  const line = form.querySelector(".form-error");
  if (line && (general.length || !Object.keys(byField).length)) {
    line.textContent = general.length ? [...new Set(general)].join("；") : error.message;
    line.hidden = false;
  }
}

export function clearFieldErrors(form) {
  form.querySelectorAll("[data-error-for], .form-error").forEach((slot) => { slot.hidden = true; slot.textContent = ""; });
  form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
}

// A progress bar's width, set through the DOM (the policy refuses style attributes).
export function setWidths(root) {
  root.querySelectorAll("[data-width]").forEach((bar) => { bar.style.width = `${Math.min(100, Math.max(0, Number(bar.dataset.width)))}%`; });
}
