// 内容日历 (#17 point 8): a content contract's month, day by day (休 / 班 / the holiday), what
// was published on each channel, each day's and week's quota status in colour, and on top the
// content waiting for the viewer's review level, signed from here. Loaded by the shell for
// content accounts and, through the console's thin module, for admins. Everything a person
// reads is Chinese; every text of the API goes through esc().
const version = new URL(import.meta.url).search;

const stylesheet = document.createElement("link");
stylesheet.rel = "stylesheet";
stylesheet.href = `/static/content/calendar.css${version}`;
document.head.append(stylesheet);

const KINDS = { article: "文章", repost: "转发", infographic: "一图读懂（长图）", poster: "海报", video: "视频",
  interactive: "H5/SVG 互动产品" };
const LEVELS = { first: "一审", second: "二审", third: "三审", fourth: "四审", final: "终审" };
const SHORT_CHANNELS = { wechat: "微信", weibo: "微博", toutiao: "头条", beijing_hao: "北京号", baijiahao: "百家号" };
const STATUS_TEXT = { met: "达标", short: "未达标", pending: "进行中", over: "超出上限", none: "无配额要求" };
const WEEKDAYS = ["一", "二", "三", "四", "五", "六", "日"];
const DAY_MS = 864e5;

// What the page remembers between its renders: the contract, the month, the open piece.
const chosen = { contract: null, month: null, open: null };
let renders = 0; // an earlier render answered late draws nothing over a later one

export const page = { key: "calendar", label: "内容日历", render };
export default page;

// ---------------------------------------------------------------- dates (UTC, no time zone)

const isoDate = (day) => day.toISOString().slice(0, 10);
const asDay = (text) => new Date(`${text}T00:00:00Z`);
const addDays = (day, n) => new Date(day.getTime() + n * DAY_MS);
const mondayOf = (day) => addDays(day, -((day.getUTCDay() || 7) - 1));
const lastOfMonth = (month) => { const d = asDay(`${month}-01`); return isoDate(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0))); };

function isoWeek(day) {
  const t = addDays(day, 4 - (day.getUTCDay() || 7));
  const first = Date.UTC(t.getUTCFullYear(), 0, 1);
  return `${t.getUTCFullYear()}-W${String(Math.ceil(((t - first) / DAY_MS + 1) / 7)).padStart(2, "0")}`;
}

// The months of the term, "YYYY-MM", in order.
function termMonths(contract) {
  const months = [];
  for (let d = asDay(`${contract.start.slice(0, 7)}-01`); isoDate(d) <= contract.end;
    d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1))) months.push(isoDate(d).slice(0, 7));
  return months;
}

// Today's month, clipped to the contract's term.
function defaultMonth(contract, today) {
  const day = today < contract.start ? contract.start : today > contract.end ? contract.end : today;
  return day.slice(0, 7);
}

const monthName = (month) => `${month.slice(0, 4)} 年 ${Number(month.slice(5))} 月`;

// ---------------------------------------------------------------- loading

// Content contracts only: those whose members hold roles of their own.
async function contentContracts(kit) {
  const all = await kit.api("/api/v1/contracts");
  return all.filter((c) => (c.member_roles || []).length);
}

// The compliance of the month, or null when the service does not answer it (not deployed: 404),
// with the reason to show.
async function compliance(kit, key, from, to, period) {
  try {
    return { data: await kit.api(`/api/v1/compliance?contract=${encodeURIComponent(key)}&from=${from}&to=${to}&period=${period}`) };
  } catch (error) {
    if (error instanceof kit.NetworkError) throw error;
    return { data: null, reason: error.status === 404 ? "" : error.message };
  }
}

// Every publication of the days, page after page (500 a page, the API's most).
async function publicationsOf(kit, key, from, to) {
  const items = [];
  for (let number = 1; ; number += 1) {
    const answer = await kit.api(`/api/v1/publications?contract=${key}&from=${from}&to=${to}&per_page=500&page=${number}`);
    items.push(...answer.items);
    if (!answer.items.length || items.length >= answer.total) return items;
  }
}

// The pieces planned to go out in the days, page after page (500 a page, the API's most).
async function plannedOf(kit, key, from, to) {
  const items = [];
  for (let number = 1; ; number += 1) {
    const answer = await kit.api(`/api/v1/content?contract=${key}&planned_from=${from}&planned_to=${to}&per_page=500&page=${number}`);
    items.push(...answer.items);
    if (!answer.items.length || items.length >= answer.total) return items;
  }
}

async function loadMonth(kit, contract, month) {
  const key = encodeURIComponent(contract.key);
  const from = `${month}-01` < contract.start ? contract.start : `${month}-01`;
  const to = lastOfMonth(month) > contract.end ? contract.end : lastOfMonth(month);
  const [calendar, publications, planned, daily, weekly, awaiting] = await Promise.all([
    kit.api(`/api/v1/calendar?from=${from}&to=${to}&contract=${key}`),
    publicationsOf(kit, key, from, to),
    plannedOf(kit, key, from, to),
    compliance(kit, key, from, to, "day"),
    compliance(kit, key, from, to, "week"),
    kit.api(`/api/v1/content?contract=${key}&awaiting=me&per_page=100`),
  ]);
  return { from, to, calendar, publications, planned, daily, weekly, awaiting: awaiting.items };
}

// ---------------------------------------------------------------- quota status

// One colour for several obligations: any short is short, then over, then pending; all met is met.
function combined(statuses) {
  const counted = statuses.filter((s) => s && s !== "not_tracked");
  if (!counted.length) return "none";
  for (const worst of ["short", "over", "pending"]) if (counted.includes(worst)) return worst;
  return "met";
}

// { key: status } from the compliance items of one period, keyed by day or by ISO week.
function statusBy(answer, period, keyOf) {
  const found = {};
  for (const item of (answer && answer.data && answer.data.items) || []) {
    // Advised floors (mandatory: false, e.g. Weibo's 5–15 a day) are advice, not a shortfall.
    if (item.period !== period || !item.from || item.mandatory === false) continue;
    (found[keyOf(item.from)] ||= []).push(item.status);
  }
  return Object.fromEntries(Object.entries(found).map(([k, v]) => [k, combined(v)]));
}

// ---------------------------------------------------------------- drawing the month

function channelLabel(channels, key) {
  const channel = channels.find((c) => c.key === key);
  return SHORT_CHANNELS[key] || (channel && channel.platform) || key;
}

function dayKindHtml(kit, day) {
  if (!day) return "";
  if (day.kind === "adjusted_workday") return '<span class="kind ban" title="调休上班">班</span>';
  if (day.kind === "holiday") return `<span class="kind rest">${kit.esc(day.name || "节假日")} · 休</span>`;
  if (day.kind === "weekend") return '<span class="kind rest">休</span>';
  return "";
}

function pubsHtml(kit, channels, pubs) {
  if (!pubs.length) return "";
  // In the contract's order of channels, then any other.
  const order = (key) => { const at = channels.findIndex((c) => c.key === key); return at < 0 ? channels.length : at; };
  const counts = {};
  [...pubs].sort((a, b) => order(a.channel) - order(b.channel)).forEach((p) => { counts[p.channel] = (counts[p.channel] || 0) + 1; });
  const titles = pubs.map((p) => `${channelLabel(channels, p.channel)}：${p.title}`).join("\n");
  return `<div class="pubs" title="${kit.esc(titles)}">${Object.entries(counts).map(([key, n]) =>
    `<span class="pub" data-channel="${kit.esc(key)}"><small>${kit.esc(channelLabel(channels, key))}</small> <b>${n}</b></span>`).join("")}</div>`;
}

// What is planned for the day and not yet out: per channel of each piece not yet published.
function plannedHtml(kit, channels, pieces) {
  const waiting = pieces.filter((c) => c.status !== "published");
  if (!waiting.length) return "";
  const counts = {};
  waiting.forEach((c) => c.channels.forEach((key) => { counts[key] = (counts[key] || 0) + 1; }));
  const titles = waiting.map((c) => `计划：${c.title}`).join("\n");
  return `<div class="plans" title="${kit.esc(titles)}">${Object.entries(counts).map(([key, n]) =>
    `<span class="plan" data-channel="${kit.esc(key)}"><small>计划 ${kit.esc(channelLabel(channels, key))}</small> <b>${n}</b></span>`).join("")}</div>`;
}

function dayCellHtml(kit, ctx, date) {
  const inMonth = date.slice(0, 7) === ctx.month;
  if (!inMonth) return '<div class="day outside" aria-hidden="true"></div>';
  const day = ctx.days[date];
  if (!day) return `<div class="day outside" data-date="${date}"><span class="num">${Number(date.slice(8))}</span><span class="muted">合同期外</span></div>`;
  const status = ctx.quota ? ctx.dayStatus[date] || "none" : "";
  return `<div class="day ${kit.esc(day.kind)}${status ? ` q-${status}` : ""}" data-date="${date}" data-kind="${kit.esc(day.kind)}"
    ${status ? `data-status="${status}" title="配额：${STATUS_TEXT[status]}"` : ""}>
    <span class="num">${Number(date.slice(8))}</span>${dayKindHtml(kit, day)}${pubsHtml(kit, ctx.channels, ctx.pubsOn[date] || [])}${plannedHtml(kit, ctx.channels, ctx.plannedOn[date] || [])}</div>`;
}

function weekRowHtml(kit, ctx, monday) {
  const week = isoWeek(monday);
  const status = ctx.quota ? ctx.weekStatus[week] || "none" : "";
  const dates = [0, 1, 2, 3, 4, 5, 6].map((n) => isoDate(addDays(monday, n)));
  return `<div class="week${status ? ` q-${status}` : ""}" data-week="${week}" ${status ? `data-status="${status}"` : ""}>
    <div class="wk" title="${status ? `本周配额：${STATUS_TEXT[status]}` : ""}">W${Number(week.slice(6))}</div>
    ${dates.map((d) => dayCellHtml(kit, ctx, d)).join("")}</div>`;
}

function monthGridHtml(kit, ctx) {
  const rows = [];
  for (let monday = mondayOf(asDay(`${ctx.month}-01`)); isoDate(monday) <= lastOfMonth(ctx.month); monday = addDays(monday, 7)) {
    rows.push(weekRowHtml(kit, ctx, monday));
  }
  return `<div class="month-grid" id="month-grid">
    <div class="week head"><div class="wk">周</div>${WEEKDAYS.map((d) => `<div class="dow">${d}</div>`).join("")}</div>
    ${rows.join("")}</div>`;
}

function legendHtml(ctx) {
  if (!ctx.quota) return `<p class="warning" id="quota-note">配额统计暂不可用${ctx.quotaReason ? `（${ctx.quotaReason}）` : ""}</p>`;
  return `<p class="legend muted" id="quota-legend">配额：${["met", "short", "over", "pending", "none"].map((s) =>
    `<span class="swatch q-${s}"></span>${STATUS_TEXT[s]}`).join(" ")}</p>`;
}

function monthContext(kit, contract, month, loaded) {
  const pubsOn = {};
  loaded.publications.forEach((p) => { (pubsOn[p.published_on] ||= []).push(p); });
  const plannedOn = {};
  loaded.planned.forEach((c) => { (plannedOn[c.planned_on] ||= []).push(c); });
  const quota = Boolean(loaded.daily.data || loaded.weekly.data);
  return {
    month, channels: contract.channels || [], pubsOn, plannedOn, quota,
    quotaReason: kit.esc(loaded.daily.reason || loaded.weekly.reason || ""),
    days: Object.fromEntries(loaded.calendar.items.map((d) => [d.date, d])),
    dayStatus: statusBy(loaded.daily, "day", (from) => from),
    weekStatus: statusBy(loaded.weekly, "week", (from) => isoWeek(asDay(from))),
  };
}

// ---------------------------------------------------------------- 待我审核

function awaitingHtml(kit, items) {
  const { esc } = kit;
  return `<section class="card" id="awaiting"><h2>待我审核（${items.length}）</h2>
    ${items.length ? `<ul class="list">${items.map((c) => `<li data-content="${c.id}">
      <button type="button" class="link open-content" data-open="${c.id}">${esc(c.title)}</button>
      <span class="tag">${esc(KINDS[c.kind] || c.kind)}</span>
      <div class="muted">第 ${esc(c.version)} 版 · <code class="sha">${esc(String(c.sha256).slice(0, 8))}</code> · 待签：<b class="level">${esc(LEVELS[c.next_level] || c.next_level)}</b></div>
      </li>`).join("")}</ul>` : '<p class="muted">目前没有等待您审核的内容。</p>'}
    <div id="review-panel" hidden></div></section>`;
}

function findingsHtml(kit, findings) {
  if (!findings || !findings.length) return '<p class="muted" id="findings">自动检查未发现问题。</p>';
  return `<ul id="findings" class="findings">${findings.map((f) => `<li>${kit.esc(f.message)}${f.excerpt ? `：<q>${kit.esc(f.excerpt)}</q>` : ""}</li>`).join("")}</ul>`;
}

function reviewFormHtml(kit, detail, level) {
  const { esc } = kit;
  const current = detail.current_version || {};
  return `<div class="review" data-content="${detail.id}">
    <h3>${esc(detail.title)} <span class="muted">第 ${esc(current.number)} 版 · ${esc(String(detail.sha256).slice(0, 8))}</span></h3>
    <div class="body-text notes" id="review-body">${esc(current.body)}</div>
    <h4>自动检查结果</h4>${findingsHtml(kit, current.findings)}
    <form id="review-form" novalidate>
      <fieldset><legend>${esc(level.name)}检查项</legend>
        ${(level.checklist || []).map((item, i) => `<label class="check"><input type="checkbox" name="check" value="${esc(item)}" id="check-${i}"> ${esc(item)}</label>`).join("")}
      </fieldset>
      <label for="review-notes">审核意见（退回时必填）</label>
      <textarea id="review-notes" name="notes" rows="3" maxlength="2000"></textarea>
      <p class="error form-error" id="review-error" role="alert" hidden></p>
      <div class="row spaced"><button type="submit" value="pass">通过</button><button type="submit" class="secondary" value="return">退回</button></div>
    </form></div>`;
}

async function openReview(kit, id, redraw) {
  const panel = kit.view.querySelector("#review-panel");
  const detail = await kit.api(`/api/v1/content/${encodeURIComponent(id)}`);
  const level = (detail.chain || []).find((lv) => lv.key === detail.next_level);
  if (!level) { panel.hidden = false; panel.innerHTML = '<p class="muted">该内容已不在待审状态。</p>'; return; }
  chosen.open = id;
  panel.hidden = false;
  panel.innerHTML = reviewFormHtml(kit, detail, level);
  const form = panel.querySelector("#review-form");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    sign(kit, form, detail, level, event.submitter ? event.submitter.value : "pass", redraw);
  });
  panel.scrollIntoView({ block: "nearest" });
}

async function sign(kit, form, detail, level, decision, redraw) {
  const box = form.querySelector("#review-error");
  const checked = new Set([...form.querySelectorAll('[name="check"]:checked')].map((c) => c.value));
  const body = { version: detail.sha256, level: level.key, decision, notes: form.elements.notes.value.trim(),
    checklist: Object.fromEntries((level.checklist || []).map((item) => [item, checked.has(item)])) };
  box.hidden = true;
  form.querySelectorAll("button").forEach((b) => { b.disabled = true; });
  try {
    await kit.api(`/api/v1/content/${detail.id}/reviews`, { method: "POST", body });
  } catch (error) {
    form.querySelectorAll("button").forEach((b) => { b.disabled = false; });
    box.textContent = refusal(kit, error);
    box.hidden = false;
    return;
  }
  chosen.open = null;
  kit.toast(`已签署${level.name}：${decision === "pass" ? "通过" : "退回"}`);
  await redraw();
}

const REVIEW_LABELS = { checklist: "检查项", notes: "审核意见", level: "审核级别", version: "版本", decision: "审核结论" };

// The API's refusal in Chinese: its own words, named by field.
function refusal(kit, error) {
  if (error instanceof kit.NetworkError) return "网络不可用，请稍后再试";
  const errors = (error.body && error.body.errors && (error.body.errors.json || error.body.errors)) || {};
  const said = Object.entries(errors).flatMap(([field, list]) => {
    const texts = (Array.isArray(list) ? list : [list]).map((t) => (typeof t === "string" ? t : kit.reasonText(t, "")));
    return texts.filter(Boolean).map((t) => (REVIEW_LABELS[field] && !t.includes(REVIEW_LABELS[field]) ? `${REVIEW_LABELS[field]}：${t}` : t));
  });
  return said.join("；") || error.message;
}

// ---------------------------------------------------------------- the page

function pickerHtml(kit, contracts, contract, month) {
  const { esc } = kit;
  const months = termMonths(contract);
  const at = months.indexOf(month);
  return `<section class="card" id="calendar-head"><h2>内容日历</h2>
    ${contracts.length > 1 ? `<label for="cal-contract">合同</label><select id="cal-contract">${contracts.map((c) =>
      `<option value="${esc(c.key)}"${c.key === contract.key ? " selected" : ""}>${esc(c.name)}</option>`).join("")}</select>`
      : `<p class="muted" id="cal-contract-name">${esc(contract.name)}</p>`}
    <div class="month-nav"><button type="button" class="secondary" id="cal-prev" ${at <= 0 ? "disabled" : ""} aria-label="上个月">‹</button>
      <select id="cal-month" aria-label="月份">${months.map((m) => `<option value="${m}"${m === month ? " selected" : ""}>${monthName(m)}</option>`).join("")}</select>
      <button type="button" class="secondary" id="cal-next" ${at >= months.length - 1 ? "disabled" : ""} aria-label="下个月">›</button></div>
  </section>`;
}

function wire(kit, contract, redraw) {
  const { view } = kit;
  const months = termMonths(contract);
  const go = (month) => { chosen.month = month; chosen.open = null; redraw(); };
  view.querySelector("#cal-contract")?.addEventListener("change", (e) => { chosen.contract = e.target.value; chosen.month = null; go(null); });
  view.querySelector("#cal-month").addEventListener("change", (e) => go(e.target.value));
  view.querySelector("#cal-prev").addEventListener("click", () => go(months[months.indexOf(chosen.month) - 1]));
  view.querySelector("#cal-next").addEventListener("click", () => go(months[months.indexOf(chosen.month) + 1]));
  view.querySelectorAll("[data-open]").forEach((b) => b.addEventListener("click", () =>
    openReview(kit, b.dataset.open, redraw).catch((error) => kit.toast(error.message))));
}

async function render(kit) {
  const generation = ++renders;
  const redraw = () => render(kit);
  const contracts = await contentContracts(kit);
  if (generation !== renders) return;
  if (!contracts.length) { kit.view.innerHTML = '<section class="card" id="calendar-head"><h2>内容日历</h2><p class="muted">您还没有加入任何内容运营合同。</p></section>'; return; }
  const key = contracts.some((c) => c.key === chosen.contract) ? chosen.contract : contracts[0].key;
  const contract = await kit.api(`/api/v1/contracts/${encodeURIComponent(key)}`);
  const months = termMonths(contract);
  const month = months.includes(chosen.month) ? chosen.month : defaultMonth(contract, kit.today());
  const loaded = await loadMonth(kit, contract, month);
  if (generation !== renders) return;
  Object.assign(chosen, { contract: key, month });
  const ctx = monthContext(kit, contract, month, loaded);
  kit.view.innerHTML = `${awaitingHtml(kit, loaded.awaiting)}${pickerHtml(kit, contracts, contract, month)}
    <section class="card" id="calendar"><h2>${monthName(month)}</h2>${legendHtml(ctx)}${monthGridHtml(kit, ctx)}</section>`;
  wire(kit, contract, redraw);
  if (chosen.open && loaded.awaiting.some((c) => String(c.id) === String(chosen.open))) await openReview(kit, chosen.open, redraw);
}
