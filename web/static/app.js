// The promotion operations client: the phone client for liaisons and the dashboard for officials.
// Plain ES module, no build step. Everything a person reads is Chinese.
import { queue } from "/static/queue.js";

const $ = (selector, root = document) => root.querySelector(selector);
const view = $("#view");
const state = { token: localStorage.getItem("token"), me: JSON.parse(localStorage.getItem("me") || "null") };
const me = () => (state.me ? state.me.username : null);

const FIELD_LABELS = {
  username: "用户名", password: "密码", community_code: "社区", visited_at: "走访时间",
  latitude: "纬度", longitude: "经度", accuracy_m: "定位精度", fix_at: "定位时间", purpose: "走访目的",
  notes: "备注", people_met: "接触人数", new_registrations: "现场注册人数", client_id: "记录编号",
  title: "标题", category: "类别", description: "描述", status: "状态", resolution: "解决情况",
  week: "周次",
};
const STATUS_MESSAGES = {
  400: "请求格式有误", 401: "登录已失效，请重新登录", 403: "没有权限执行此操作", 404: "记录不存在",
  409: "与已有记录冲突", 413: "内容过大", 422: "填写的内容有误", 429: "尝试次数过多，请稍后再试",
  500: "服务器出错了，请稍后再试", 503: "服务暂时不可用，请稍后再试",
};
const PURPOSES = { routine: "日常走访", usage_guidance: "使用指导", issue_followup: "问题对接", event_support: "活动协助" };
const CHECKS = { ok: "位置正常", far: "距离过远", stale: "定位过旧", unknown: "无定位" };
const PROBLEM_STATUS = { open: "待处理", in_progress: "处理中", resolved: "已解决" };
const TARGET_STATUS = { done: "已完成", on_track: "按进度", behind: "落后" };
const FIX_MAX_AGE_MS = 30000;

class ApiError extends Error {
  constructor(status, body) { super(describeError(status, body)); this.status = status; this.body = body; }
}
class NetworkError extends Error {}

const hasChinese = (text) => /[\u4e00-\u9fa5]/.test(text || "");

// The server's own words for what it refused: "接触人数：应为整数", or its sentence as it is.
function reasonText(errors, message) {
  const said = [];
  const walk = (value, key) => {
    if (Array.isArray(value)) value.forEach((v) => walk(v, key));
    else if (value && typeof value === "object") Object.entries(value).forEach(([k, v]) => walk(v, ["json", "query", "form"].includes(k) ? key : k));
    else if (value != null) {
      const text = String(value);
      const label = FIELD_LABELS[String(key).split(".").pop()];
      said.push(label && !text.includes(label) && !/^(您|走访|只能)/.test(text) ? `${label}：${text}` : text);
    }
  };
  walk(errors || {}, "_schema");
  const unique = [...new Set(said)];
  if (unique.length) return unique.join("；");
  return hasChinese(message) ? message : "";
}

function describeError(status, body) {
  if (status === 401 && body && body.message === "用户名或密码错误") return "用户名或密码错误";
  const base = STATUS_MESSAGES[status] || "操作未成功";
  if (status >= 500) return base;
  const reason = reasonText(body && body.errors, body && body.message);
  return reason || base;
}

async function api(path, { method = "GET", body, timeout = 12000, raw = false } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeout);
  let response;
  try {
    response = await fetch(path, {
      method, signal: controller.signal,
      headers: { ...(body && !(body instanceof FormData) ? { "Content-Type": "application/json" } : {}), ...(state.token ? { Authorization: `Bearer ${state.token}` } : {}) },
      // A FormData (a file upload) goes as it is: the browser writes its multipart boundary.
      body: body instanceof FormData ? body : body ? JSON.stringify(body) : undefined,
    });
  } catch (error) {
    throw new NetworkError("网络不可用");
  } finally { clearTimeout(timer); }
  if (response.status === 401 && state.token && !path.endsWith("/auth/login")) { logout(); }
  if (!response.ok) {
    const data = await response.json().catch(() => null);
    // The server asks for a new password first (an admin reset it meanwhile).
    if (response.status === 403 && data && data.errors && data.errors.must_change_password && state.me && !state.me.must_change_password) {
      state.me = { ...state.me, must_change_password: true }; localStorage.setItem("me", JSON.stringify(state.me)); renderSetPassword();
    }
    throw new ApiError(response.status, data);
  }
  if (raw) return response;
  return response.status === 204 ? null : response.json();
}

function toast(message) {
  const box = $("#toast");
  box.textContent = message; box.hidden = false;
  clearTimeout(toast.timer); toast.timer = setTimeout(() => { box.hidden = true; }, 3500);
}

function esc(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}
const num = (n) => (n ?? 0).toLocaleString("zh-CN");
const pct = (x) => `${((x || 0) * 100).toFixed(1)}%`;
const shanghaiMinute = (iso) => new Date(iso).toLocaleString("sv-SE", { timeZone: "Asia/Shanghai", hour12: false }).slice(0, 16);
// Times people read: Shanghai, to the minute.
const localTime = shanghaiMinute;
const today = () => new Date().toLocaleDateString("sv-SE", { timeZone: "Asia/Shanghai" });

// ---------------------------------------------------------------- session

async function askLogout() {
  const left = me() ? (await queue.all(me())).length : 0;
  if (left && !window.confirm(`还有 ${left} 条走访未上传。退出后它们留在本机，只有您再次登录后才能上传。确定退出吗？`)) return;
  logout();
}

function logout() {
  state.token = null; state.me = null;
  localStorage.removeItem("token"); localStorage.removeItem("me");
  myCommunities = []; communitiesOf = null;
  render();
}

function renderLogin(message = "") {
  $("#tabs").hidden = true; $("#logout").hidden = true; $("#who").textContent = "";
  view.innerHTML = `
    <form class="card" id="login" novalidate>
      <h2>登录</h2>
      <label for="username">用户名</label>
      <input id="username" name="username" autocomplete="username" required>
      <label for="password">密码</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required>
      <p id="login-error" class="error" ${message ? "" : "hidden"}>${esc(message)}</p>
      <button class="wide" type="submit">登录</button>
    </form>`;
  $("#login").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    try {
      const data = await api("/api/v1/auth/login", { method: "POST", body: { username: form.get("username"), password: form.get("password") } });
      keepSession(data);
      location.hash = ""; await render();
      if (navigator.onLine && !data.user.must_change_password) syncQueue();
    } catch (error) {
      const box = $("#login-error");
      box.textContent = error instanceof NetworkError ? "网络不可用，请联网后登录" : error.message;
      box.hidden = false;
    }
  });
}

function keepSession(data) {
  state.token = data.access_token; state.me = data.user;
  localStorage.setItem("token", state.token); localStorage.setItem("me", JSON.stringify(state.me));
}

// A password someone else chose (a new account, an admin's reset): nothing else until the
// user has set their own; the server refuses every other call meanwhile.
function renderSetPassword() {
  $("#tabs").hidden = true; $("#logout").hidden = false; $("#who").textContent = state.me.display_name;
  view.innerHTML = `
    <form class="card" id="set-password" novalidate>
      <h2>设置新密码</h2>
      <p class="muted">您的密码是管理员设置的，请设置只有您自己知道的新密码后继续使用。</p>
      <label for="current-password">当前密码（管理员给您的密码）</label>
      <input id="current-password" name="current_password" type="password" autocomplete="current-password" required>
      <label for="new-password">新密码（至少 10 个字符，不要用常见密码）</label>
      <input id="new-password" name="new_password" type="password" autocomplete="new-password" required>
      <label for="new-password-again">再次输入新密码</label>
      <input id="new-password-again" name="again" type="password" autocomplete="new-password" required>
      <p id="set-password-error" class="error" hidden></p>
      <button class="wide" type="submit">保存新密码</button>
    </form>`;
  $("#set-password").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const box = $("#set-password-error");
    box.hidden = true;
    if (form.get("new_password") !== form.get("again")) { box.textContent = "两次输入的新密码不一致"; event.target.elements.again.after(box); box.hidden = false; return; }
    try {
      keepSession(await api("/api/v1/auth/password", { method: "POST", body: { current_password: form.get("current_password"), new_password: form.get("new_password") } }));
      toast("新密码已设置");
      location.hash = ""; await render();
      if (navigator.onLine) syncQueue();
    } catch (error) {
      box.textContent = error instanceof NetworkError ? "网络不可用，请联网后再试" : reasonText(error.body && error.body.errors, "") || error.message;
      // Beside the field the server names (当前密码 or 新密码).
      const field = Object.keys((error.body && error.body.errors && error.body.errors.json) || {})[0];
      const input = field && event.target.elements[field];
      if (input) input.after(box); else event.target.querySelector("button").before(box);
      box.hidden = false;
    }
  });
}

// ---------------------------------------------------------------- navigation

const LIAISON_TABS = [["communities", "我的社区"], ["log", "记录走访"], ["recent", "最近走访"], ["problems", "问题"]];
const OFFICIAL_TABS = [["overview", "总览"], ["problems", "问题"]];
// A community's secretary or staff: their own community's page, nothing of the district.
const COMMUNITY_TABS = [["mine", "本社区"]];
// A content account (the 2023 content contract's editors and the client's reviewers): the
// contracts it belongs to, nothing of the district's promotion work.
const CONTENT_TABS = [["contracts", "我的合同"], ["calendar", "内容日历"], ["messages", "留言与咨询"]];
const MEMBER_ROLES = { admin: "管理员", liaison: "联络员", official: "查看", editor: "稿件编辑",
  editor_lead: "编辑组长", client_reviewer: "宣传中心执行人员", client_approver: "中心主管领导" };

// The operator's console: its pages are loaded for admins only, so that liaisons' phones never
// download them. Each page module exports { key, label, render(kit) }.
let consolePages = null;
async function loadConsole() {
  if (!consolePages) {
    const version = document.querySelector('meta[name="console-version"]').content;
    consolePages = (await import(`/static/console/console.js?v=${version}`)).pages;
  }
  return consolePages;
}

// The content accounts' pages (内容日历, 留言与咨询), loaded when first opened, at the same version as the
// console's (a digest of both folders), so that a changed page is fetched anew.
async function renderContentPage(name) {
  const version = document.querySelector('meta[name="console-version"]').content;
  const { page } = await import(`/static/content/${name}.js?v=${version}`);
  return page.render(consoleKit());
}

async function tabsFor(role) {
  if (role === "liaison") return LIAISON_TABS;
  if (role === "community") return COMMUNITY_TABS;
  if (role === "content") return CONTENT_TABS;
  if (role !== "admin") return OFFICIAL_TABS;
  return [...OFFICIAL_TABS, ...(await loadConsole()).map((page) => [page.key, page.label])];
}

// What a console page may use of the shell: one way to call the API, show a message, escape
// text, and format numbers and times; a target's figure and the weekly spreadsheets' section
// (the overview's own, so that both pages show a week's set the same way).
function consoleKit() {
  return { view, state, api, toast, esc, num, pct, localTime, today, render, ApiError, NetworkError,
    FIELD_LABELS, PURPOSES, CHECKS, TARGET_STATUS, reasonText, figure,
    weekly: { section: weeklySection, wire: wireWeeklySection } };
}

// One render at a time: a render asked for while one runs (a tab clicked while the overview
// still loads) runs after it, so the screen always ends on what was asked for last, never on
// a slower earlier answer.
let rendering = null;
let renderAgain = false;
async function render() {
  if (rendering) { renderAgain = true; return rendering; }
  rendering = (async () => {
    do { renderAgain = false; await renderOnce(); } while (renderAgain);
  })();
  try { await rendering; } finally { rendering = null; }
}

async function renderOnce() {
  stopWeekWatch();
  if (!state.token || !state.me) { await refreshQueueBar(); return renderLogin(); }
  if (state.me.must_change_password) return renderSetPassword();
  $("#who").textContent = state.me.display_name;
  $("#logout").hidden = false;
  const tabs = await tabsFor(state.me.role);
  const current = location.hash.slice(1) || tabs[0][0];
  const nav = $("#tabs");
  nav.hidden = false;
  nav.innerHTML = tabs.map(([key, label]) => `<a href="#${key}" class="${key === current ? "on" : ""}">${label}</a>`).join("");
  await refreshQueueBar();
  const screens = { communities: renderCommunities, log: renderLogVisit, recent: renderRecent, problems: renderProblems, overview: renderOverview, mine: renderMine, contracts: renderContracts,
    calendar: () => renderContentPage("calendar"), messages: () => renderContentPage("messages") };
  for (const page of state.me.role === "admin" ? await loadConsole() : []) screens[page.key] = () => page.render(consoleKit());
  document.body.classList.toggle("console", state.me.role === "admin");
  try {
    await (screens[current] || screens[tabs[0][0]])();
  } catch (error) {
    const offline = error instanceof NetworkError;
    view.innerHTML = `<p class="error" ${offline ? "data-offline" : ""}>${esc(offline ? "网络不可用，显示的内容可能不是最新" : error.message)}</p>`;
  }
}

window.addEventListener("hashchange", render);
$("#logout").addEventListener("click", askLogout);

// ---------------------------------------------------------------- offline queue

function communityName(code) {
  const community = myCommunities.find((c) => c.community_code === code);
  return community ? community.community_name : code;
}

async function refreshQueueBar() {
  const bar = $("#net");
  const items = me() ? await queue.all(me()) : [];
  const waiting = items.filter((i) => !i.errors).length;
  const refused = items.filter((i) => i.errors).length;
  const offline = !navigator.onLine;
  if (!items.length && !offline) { bar.hidden = true; bar.innerHTML = ""; return; }
  bar.hidden = false;
  bar.innerHTML = `
    ${offline ? '<p id="offline">当前离线，走访会先保存在手机上。</p>' : ""}
    ${waiting ? `<p>待上传走访：<b id="waiting">${waiting}</b> 条 <button id="sync-now" class="secondary">立即上传</button></p>` : ""}
    ${refused ? `<p class="error">未被接收的走访：<b id="refused">${refused}</b> 条，请修改后重新提交或删除</p>` : ""}
    ${items.length ? `<ul class="queue" id="queue">${items.map((i) => `<li data-queued="${esc(i.client_id)}">
      <b>${esc(communityName(i.body.community_code))}</b> · ${esc(localTime(i.body.visited_at))} · ${esc(PURPOSES[i.body.purpose] || "")}
      ${i.errors ? `<div class="error reason">未被接收：${esc(i.errors)}</div>
        <div class="row"><button class="secondary" data-fix="${esc(i.client_id)}">修改后重新提交</button><button class="secondary" data-drop="${esc(i.client_id)}">删除</button></div>`
        : '<div class="muted">等待上传</div>'}</li>`).join("")}</ul>` : ""}`;
  $("#sync-now")?.addEventListener("click", () => syncQueue(true));
  bar.querySelectorAll("[data-drop]").forEach((b) => b.addEventListener("click", async () => {
    if (!window.confirm("删除后这条走访不会上传，确定删除吗？")) return;
    await queue.remove(me(), b.dataset.drop); refreshQueueBar();
  }));
  bar.querySelectorAll("[data-fix]").forEach((b) => b.addEventListener("click", () => {
    sessionStorage.setItem("fixQueued", b.dataset.fix);
    if (location.hash === "#log") render(); else location.hash = "#log";
  }));
}

let syncing = false;
async function syncQueue(manual = false) {
  const owner = me();
  if (syncing || !state.token || !owner) return;
  const pending = (await queue.all(owner)).filter((i) => !i.errors).slice(0, 200);
  if (!pending.length) { if (manual) toast("没有待上传的走访"); return; }
  syncing = true;
  try {
    const data = await api("/api/v1/visits/sync", { method: "POST", body: { visits: pending.map((i) => i.body) }, timeout: 30000 });
    let sent = 0, refused = 0;
    for (const result of data.results) {
      if (result.status === "created" || result.status === "duplicate") { await queue.remove(owner, result.client_id); sent += 1; }
      else if (result.client_id) { await queue.markRefused(owner, result.client_id, reasonText(result.errors) || "内容有误"); refused += 1; }
    }
    toast(refused ? `已上传 ${sent} 条，${refused} 条未被接收` : `已上传 ${sent} 条走访`);
  } catch (error) {
    if (manual) toast(error instanceof NetworkError ? "仍然无法连接服务器，稍后会自动重试" : error.message);
  } finally {
    syncing = false;
    await refreshQueueBar();
  }
}

window.addEventListener("online", () => {
  // What was shown because the network was gone is fetched again.
  if ($("[data-offline]", view)) render(); else refreshQueueBar();
  const loginError = $("#login-error");
  if (loginError && loginError.textContent.startsWith("网络不可用")) loginError.hidden = true;
  syncQueue();
});
window.addEventListener("offline", refreshQueueBar);
setInterval(() => { if (navigator.onLine) syncQueue(); }, 60000);

// ---------------------------------------------------------------- liaison screens

// The communities of the logged-in liaison, kept per liaison for offline use.
let myCommunities = [];
let communitiesOf = null;
const communitiesKey = () => `communities:${me()}`;
function ownCommunities() {
  if (communitiesOf !== me()) {
    communitiesOf = me();
    myCommunities = JSON.parse(localStorage.getItem(communitiesKey()) || "[]");
  }
  return myCommunities;
}

async function loadCommunities() {
  ownCommunities();
  try {
    const data = await api("/api/v1/visits/coverage");
    myCommunities = data.items;
    localStorage.setItem(communitiesKey(), JSON.stringify(myCommunities));
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
  }
  return myCommunities;
}

// Street boundaries and limits, to judge a position before sending (the same for everyone).
let locationRef = JSON.parse(localStorage.getItem("locationRef") || "null");
let locationRefLoading = null;
function loadLocationRef() {
  if (locationRef) return Promise.resolve(locationRef);
  locationRefLoading = locationRefLoading || api("/api/v1/visits/location-reference").then((data) => {
    locationRef = data;
    localStorage.setItem("locationRef", JSON.stringify(data));
    return data;
  }).catch(() => null).finally(() => { locationRefLoading = null; }); // else judged by the server after sending
  return locationRefLoading;
}

async function renderCommunities() {
  const items = await loadCommunities();
  view.innerHTML = `<section class="card"><h2>我的社区（${items.length}）</h2>
    <p class="muted">超过 90 天未走访的社区排在前面。</p>
    <ul class="list">${items.map((c) => `<li>
      <b>${esc(c.community_name)}</b>
      <div class="muted">${c.days_since_last === null ? '<span class="overdue">从未走访</span>'
        : `<span class="${c.overdue ? "overdue" : ""}">距上次走访 ${c.days_since_last} 天</span>`}
        · 本合同期走访 ${c.visits} 次</div>
      <a class="button secondary" href="#log" data-pick="${c.community_code}">记录走访</a></li>`).join("")}</ul></section>`;
  view.querySelectorAll("[data-pick]").forEach((a) => a.addEventListener("click", () => sessionStorage.setItem("pick", a.dataset.pick)));
}

function distanceM(a, b) {
  const rad = (d) => (d * Math.PI) / 180;
  const dLat = rad(b[0] - a[0]), dLon = rad(b[1] - a[1]);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a[0])) * Math.cos(rad(b[0])) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371000 * Math.asin(Math.sqrt(h));
}

// Metres from a point to a street (0 inside), on the same local plane the server uses.
function distanceToStreetM(rings, lat, lon) {
  const mLat = 110574, mLon = 111320 * Math.cos((39.91 * Math.PI) / 180);
  const px = lon * mLon, py = lat * mLat;
  let inside = false, best = Infinity;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [ax, ay] = [ring[i][0] * mLon, ring[i][1] * mLat], [bx, by] = [ring[j][0] * mLon, ring[j][1] * mLat];
      if ((ay > py) !== (by > py) && px < ((bx - ax) * (py - ay)) / (by - ay) + ax) inside = !inside;
      const dx = bx - ax, dy = by - ay, len = dx * dx + dy * dy;
      const t = len ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len)) : 0;
      best = Math.min(best, Math.hypot(px - ax - t * dx, py - ay - t * dy));
    }
  }
  return inside ? 0 : best;
}

const aboutM = (m) => (m < 1000 ? `${Math.max(10, Math.round(m / 10) * 10)} 米` : `${(m / 1000).toFixed(1)} 公里`);

// How the server will judge this position for this community: {near, text}, or null if unknown.
function judgePosition(community, fix) {
  if (!community || !fix) return null;
  if (community.latitude != null && community.longitude != null) {
    const d = distanceM([fix.latitude, fix.longitude], [community.latitude, community.longitude]);
    const radius = community.radius_m || 800;
    return d <= radius ? { near: true, text: `在社区附近（约 ${aboutM(d)}）` }
      : { near: false, text: `距社区约 ${aboutM(d)}，超出 ${aboutM(radius)} 的核验范围` };
  }
  const street = locationRef && locationRef.streets.find((s) => s.code === community.street_code);
  if (!street) return null;
  const edge = distanceToStreetM(street.rings, fix.latitude, fix.longitude);
  if (edge === 0) return { near: true, text: `在社区所在的${street.name}范围内` };
  if (edge <= (fix.accuracy_m || 0) + locationRef.street_margin_m) return { near: true, text: `在社区所在的${street.name}边界附近` };
  return { near: false, text: `距社区所在的${street.name}约 ${aboutM(edge)}，不在核验范围内` };
}

// A count as typed: a whole number of at least 0, or null.
function wholeCount(text) {
  if (!/^\s*\d+\s*$/.test(text || "0")) return null;
  return Number(text || 0);
}

async function renderLogVisit() {
  const communities = ownCommunities().length ? myCommunities : await loadCommunities();
  loadLocationRef().then(() => showFix());
  const owner = me();
  // A refused queued visit being corrected: it keeps its client_id, time and position.
  const fixing = sessionStorage.getItem("fixQueued");
  sessionStorage.removeItem("fixQueued");
  let editing = fixing ? await queue.get(owner, fixing) : null;
  let fix = editing && editing.body.latitude != null ? { latitude: editing.body.latitude, longitude: editing.body.longitude,
    accuracy_m: editing.body.accuracy_m, fix_at: editing.body.fix_at, taken: new Date(editing.body.fix_at).getTime() } : null;
  let picked = editing ? editing.body.community_code : sessionStorage.getItem("pick") || "";
  sessionStorage.removeItem("pick");
  // One form, one visit: its client_id and time are made at the first tap and kept for every
  // later send of the same form, so a second tap or a retry is the same visit.
  let draft = editing ? { client_id: editing.client_id, visited_at: editing.body.visited_at } : null;
  let sending = false;
  view.innerHTML = `<form class="card" id="visit" novalidate>
    <h2>${editing ? "修改未被接收的走访" : "记录走访"}</h2>
    ${editing ? `<p class="error">未被接收：${esc(editing.errors)}</p><p class="muted">走访时间：${esc(localTime(editing.body.visited_at))}</p>` : ""}
    <label for="search">社区（输入名称查找）</label>
    <input id="search" type="search" placeholder="例如：府右街" autocomplete="off">
    <div class="options" id="options" role="listbox" aria-label="社区列表"></div>
    <p id="picked" class="picked" aria-live="polite"></p>
    <label>位置</label>
    <button type="button" id="locate" class="secondary wide">获取当前位置</button>
    <p id="fix" class="muted">尚未定位（可不定位直接提交，但需审核）</p>
    <label for="purpose">走访目的</label>
    <select id="purpose">${Object.entries(PURPOSES).map(([k, v]) => `<option value="${k}">${v}</option>`).join("")}</select>
    <div class="row">
      <div><label for="people">接触人数</label><input id="people" type="number" min="0" step="1" inputmode="numeric" value="0"></div>
      <div><label for="signups">现场注册人数</label><input id="signups" type="number" min="0" step="1" inputmode="numeric" value="0"></div>
    </div>
    <label for="notes">备注</label>
    <textarea id="notes" maxlength="2000"></textarea>
    <p id="visit-error" class="error" hidden></p>
    <button class="wide" type="submit" id="submit-visit">提交走访</button>
  </form>`;
  if (editing) {
    $("#purpose").value = editing.body.purpose; $("#notes").value = editing.body.notes || "";
    $("#people").value = editing.body.people_met ?? 0; $("#signups").value = editing.body.new_registrations ?? 0;
  }
  const options = $("#options");
  const drawOptions = () => {
    const q = $("#search").value.trim();
    const shown = communities.filter((c) => !q || c.community_name.includes(q)).slice(0, 50);
    options.innerHTML = shown.map((c) => `<button type="button" role="option" aria-selected="${c.community_code === picked}" data-code="${c.community_code}" class="${c.community_code === picked ? "on" : ""}">${esc(c.community_name)}</button>`).join("") || '<p class="muted">没有匹配的社区</p>';
    options.querySelectorAll("[data-code]").forEach((b) => b.addEventListener("click", () => { picked = b.dataset.code; drawOptions(); showFix(); }));
    const chosen = communities.find((c) => c.community_code === picked);
    $("#picked").textContent = chosen ? `已选：${chosen.community_name}` : picked ? `已选：${picked}` : "尚未选择社区";
    $("#picked").classList.toggle("none", !picked);
  };
  function judgement() { return judgePosition(communities.find((c) => c.community_code === picked), fix); }
  function showFix() {
    const box = $("#fix");
    if (!fix || !box) return;
    const judged = judgement();
    box.textContent = `已定位：精度约 ${Math.round(fix.accuracy_m)} 米，${judged ? judged.text : picked ? "提交后核验是否在社区附近" : "选择社区后显示距离"}`;
    box.classList.toggle("warning", Boolean(judged && !judged.near));
    box.classList.toggle("muted", !(judged && !judged.near));
  }
  $("#search").addEventListener("input", drawOptions);
  drawOptions();
  showFix();
  $("#locate").addEventListener("click", () => {
    if (!navigator.geolocation) { $("#fix").textContent = "此浏览器不支持定位"; return; }
    $("#fix").textContent = "正在定位…";
    navigator.geolocation.getCurrentPosition((position) => {
      fix = { latitude: position.coords.latitude, longitude: position.coords.longitude,
        accuracy_m: position.coords.accuracy, fix_at: new Date(position.timestamp).toISOString(), taken: position.timestamp };
      showFix();
    }, (error) => { $("#fix").textContent = error.code === 1 ? "未获得定位权限，请在浏览器设置中允许定位" : "暂时无法定位，可稍后重试"; },
    { enableHighAccuracy: true, timeout: 15000, maximumAge: FIX_MAX_AGE_MS });
  });
  const form = $("#visit"), button = $("#submit-visit");
  const fail = (text) => { const box = $("#visit-error"); box.textContent = text; box.hidden = false; };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (sending) return;
    $("#visit-error").hidden = true;
    if (!picked) return fail("请选择社区");
    const people = wholeCount($("#people").value), signups = wholeCount($("#signups").value);
    if (people === null) return fail("接触人数应为 0 或正整数");
    if (signups === null) return fail("现场注册人数应为 0 或正整数");
    if (signups > people && !window.confirm(`现场注册人数（${signups}）多于接触人数（${people}），确定填写无误吗？`)) return;
    const judged = judgement();
    if (judged && !judged.near && !window.confirm(`${judged.text}。这条走访提交后需审核通过才计入，仍要提交吗？`)) return;
    sending = true;
    button.disabled = true; button.textContent = "正在提交…";
    draft = draft || { client_id: crypto.randomUUID(), visited_at: new Date().toISOString() };
    const { taken, ...position } = fix || {};
    const body = { ...draft, community_code: picked, purpose: $("#purpose").value, notes: $("#notes").value,
      people_met: people, new_registrations: signups, ...position };
    // Saved first, so that nothing is lost if the page closes while sending.
    await queue.add(owner, body);
    try {
      const visit = await api("/api/v1/visits", { method: "POST", body });
      await queue.remove(owner, body.client_id);
      toast(`已提交：${visit.standing_label || CHECKS[visit.location_check]}`);
      location.hash = "#recent";
    } catch (error) {
      if (error instanceof NetworkError || (error.status >= 500)) {
          toast("网络不佳，走访已保存在手机上，恢复网络后自动上传");
        form.reset(); fix = null; picked = ""; draft = null; editing = null; drawOptions();
        $("#fix").textContent = "尚未定位"; $("#fix").className = "muted";
      } else if (editing) {
        await queue.markRefused(owner, body.client_id, error.message);
        fail(error.message);
      } else {
        await queue.remove(owner, body.client_id);
        fail(error.message);
      }
    } finally {
      sending = false;
      if (document.contains(button)) { button.disabled = false; button.textContent = "提交走访"; }
    }
    refreshQueueBar();
  });
}

async function renderRecent() {
  const [data, communities] = await Promise.all([api("/api/v1/visits?per_page=30"), ownCommunities().length ? myCommunities : loadCommunities()]);
  // A rejected visit is final; others may be corrected by their author within 24 hours.
  const editable = (v) => v.review_status !== "rejected" && Date.now() - new Date(v.created_at).getTime() < 24 * 3600 * 1000;
  const choices = (v) => {
    const list = communities.some((c) => c.community_code === v.community_code) ? communities
      : [{ community_code: v.community_code, community_name: v.community_name }, ...communities];
    return list.map((c) => `<option value="${c.community_code}" ${c.community_code === v.community_code ? "selected" : ""}>${esc(c.community_name)}</option>`).join("");
  };
  view.innerHTML = `<section class="card"><h2>最近走访</h2><ul class="list">${data.items.map((v) => `<li data-visit="${v.id}">
      <b>${esc(v.community_name)}</b><span class="tag ${v.location_check}">${CHECKS[v.location_check]}</span>
      <span class="tag ${v.standing}" data-standing="${v.standing}">${esc(v.standing_label)}</span>
      <div class="muted">${localTime(v.visited_at)} · ${PURPOSES[v.purpose]} · 接触 ${v.people_met} 人 · 注册 ${v.new_registrations} 人</div>
      ${v.review_status === "rejected" ? `<p class="error review">未通过审核：${esc(v.review_reason || "未说明原因")}</p>` : ""}
      ${v.review_status === "approved" ? `<p class="muted review">已审核通过${v.review_reason ? `：${esc(v.review_reason)}` : ""}</p>` : ""}
      <div class="notes">${esc(v.notes)}</div>
      ${editable(v) ? `<details><summary>更正</summary>
        <form data-edit="${v.id}" novalidate>
          <label for="c${v.id}">社区</label><select id="c${v.id}" name="community_code">${choices(v)}</select>
          <label for="u${v.id}">走访目的</label><select id="u${v.id}" name="purpose">${Object.entries(PURPOSES).map(([k, t]) => `<option value="${k}" ${k === v.purpose ? "selected" : ""}>${t}</option>`).join("")}</select>
          <label for="p${v.id}">接触人数</label><input id="p${v.id}" name="people_met" type="number" min="0" step="1" inputmode="numeric" value="${v.people_met}">
          <label for="s${v.id}">现场注册人数</label><input id="s${v.id}" name="new_registrations" type="number" min="0" step="1" inputmode="numeric" value="${v.new_registrations}">
          <label for="n${v.id}">备注</label><textarea id="n${v.id}" name="notes">${esc(v.notes)}</textarea>
          <p class="error" hidden></p>
          <button class="wide" type="submit">保存更正</button></form></details>
        <button class="secondary" data-problem="${v.id}">由此记录问题</button>` : ""}
    </li>`).join("") || '<li class="muted">还没有走访记录</li>'}</ul></section>`;
  view.querySelectorAll("[data-edit]").forEach((form) => form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const f = new FormData(form);
    const box = form.querySelector(".error");
    const people = wholeCount(f.get("people_met")), signups = wholeCount(f.get("new_registrations"));
    const problem = people === null ? "接触人数应为 0 或正整数" : signups === null ? "现场注册人数应为 0 或正整数" : "";
    if (problem) { box.textContent = problem; box.hidden = false; return; }
    if (signups > people && !window.confirm(`现场注册人数（${signups}）多于接触人数（${people}），确定填写无误吗？`)) return;
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      await api(`/api/v1/visits/${form.dataset.edit}`, { method: "PATCH", body: { community_code: f.get("community_code"), purpose: f.get("purpose"),
        people_met: people, new_registrations: signups, notes: f.get("notes") } });
      toast("已保存更正"); render();
    } catch (error) { box.textContent = error.message; box.hidden = false; button.disabled = false; }
  }));
  view.querySelectorAll("[data-problem]").forEach((b) => b.addEventListener("click", () => { sessionStorage.setItem("fromVisit", b.dataset.problem); location.hash = "#problems"; }));
}

// Days since a problem was raised, counted to today, or to the contract's last day once it ended.
function ageDays(createdAt, contractEnd) {
  const until = contractEnd && today() > contractEnd ? contractEnd : today();
  const raised = new Date(createdAt).toLocaleDateString("sv-SE", { timeZone: "Asia/Shanghai" });
  return Math.max(0, Math.round((new Date(`${until}T00:00:00Z`) - new Date(`${raised}T00:00:00Z`)) / 86400000));
}

async function renderProblems() {
  const street = sessionStorage.getItem("problemStreet") || "";
  const where = street ? `&street_code=${street}` : "";
  const byStreet = state.me.role !== "liaison";
  const [open, progress, contract, streets] = await Promise.all([
    api(`/api/v1/problems?status=open&per_page=100${where}`), api(`/api/v1/problems?status=in_progress&per_page=100${where}`),
    api("/api/v1/contracts/current"), byStreet ? api("/api/v1/streets?per_page=100") : { items: [] }]);
  const items = [...progress.items, ...open.items];
  const streetName = Object.fromEntries(streets.items.map((s) => [s.code, s.name]));
  const fromVisit = sessionStorage.getItem("fromVisit");
  sessionStorage.removeItem("fromVisit");
  const canWrite = state.me.role !== "official";
  const communities = ownCommunities().length || !canWrite ? myCommunities : await loadCommunities();
  view.innerHTML = `
    ${canWrite ? `<form class="card" id="new-problem" novalidate><h2>记录问题${fromVisit ? "（来自走访）" : ""}</h2>
      ${fromVisit ? "" : `<label for="pc">社区</label><select id="pc">${communities.map((c) => `<option value="${c.community_code}">${esc(c.community_name)}</option>`).join("")}</select>`}
      <label for="pt">问题</label><input id="pt" maxlength="200" required>
      <label for="pk">类别</label><select id="pk">${["账号注册", "实名认证", "功能使用", "议事协商", "信息发布", "其他"].map((c) => `<option>${c}</option>`).join("")}</select>
      <label for="pd">描述</label><textarea id="pd"></textarea>
      <button class="wide" type="submit">提交问题</button></form>` : ""}
    <section class="card"><h2>未解决的问题（${items.length}）</h2>
      ${byStreet ? `<label for="problem-street">街道</label><select id="problem-street"><option value="">全部街道</option>
        ${streets.items.map((x) => `<option value="${x.code}" ${x.code === street ? "selected" : ""}>${esc(x.name)}</option>`).join("")}</select>` : ""}
      <ul class="list" id="problem-list">${items.map((p) => { const age = ageDays(p.created_at, contract.end); return `<li data-problem-id="${p.id}">
      <b>${esc(p.title)}</b><span class="tag">${PROBLEM_STATUS[p.status]}</span><span class="tag ${age >= 14 ? "behind" : ""} age">已 ${age} 天</span>
      <div class="muted">${esc(p.community_name)}${byStreet ? ` · ${esc(streetName[p.street_code] || "")}` : ""} · ${esc(p.category)} · 提出于 ${localTime(p.created_at)}</div>
      ${p.description ? `<div class="notes description">${esc(p.description)}</div>` : ""}
      ${canWrite ? `<div class="row">${p.status === "open" ? `<button class="secondary" data-move="${p.id}" data-to="in_progress">开始处理</button>` : ""}
        <button class="secondary" data-move="${p.id}" data-to="resolved">标记已解决</button></div>` : ""}
    </li>`; }).join("") || '<li class="muted">没有未解决的问题</li>'}</ul></section>`;
  $("#problem-street")?.addEventListener("change", (event) => { sessionStorage.setItem("problemStreet", event.target.value); render(); });
  $("#new-problem")?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { title: $("#pt").value, category: $("#pk").value, description: $("#pd").value,
      ...(fromVisit ? { visit_id: Number(fromVisit) } : { community_code: $("#pc").value }) };
    try { await api("/api/v1/problems", { method: "POST", body }); toast("问题已记录"); render(); }
    catch (error) { toast(error.message); }
  });
  view.querySelectorAll("[data-move]").forEach((b) => b.addEventListener("click", async () => {
    const body = { status: b.dataset.to };
    if (b.dataset.to === "resolved") {
      const note = window.prompt("请填写解决情况");
      if (!note) return;
      body.resolution = note;
    }
    try { await api(`/api/v1/problems/${b.dataset.move}`, { method: "PATCH", body }); toast("已更新"); render(); }
    catch (error) { toast(error.message); }
  }));
}

// ---------------------------------------------------------------- officials' overview

const wan = (n) => `${Number((n / 10000).toFixed(n % 10000 ? 1 : 0))} 万`;

// The verified users over time: dates along the bottom, 万人 up the side, the target dashed.
// Drawn in a 360-unit box so that its 11-unit text stays readable on a 360 px phone.
function lineChart(points, target) {
  const width = 360, height = 230, left = 44, right = 12, top = 22, bottom = 40;
  if (!points.length) return '<p class="muted">暂无数据</p>';
  const top10k = Math.ceil((Math.max(target, ...points.map((p) => p.verified)) * 1.05) / 50000) * 50000;
  const x = (i) => left + (i * (width - left - right)) / Math.max(points.length - 1, 1);
  const y = (v) => height - bottom - (v / top10k) * (height - top - bottom);
  const line = points.map((p, i) => `${i ? "L" : "M"}${x(i).toFixed(1)},${y(p.verified).toFixed(1)}`).join("");
  const yTicks = Array.from({ length: top10k / 50000 + 1 }, (_, k) => k * 50000).filter((v, k, all) => all.length <= 6 || k % 2 === 0);
  const xCount = Math.min(4, points.length);
  const xTicks = [...new Set(Array.from({ length: xCount }, (_, k) => Math.round((k * (points.length - 1)) / Math.max(xCount - 1, 1))))];
  const text = 'font-size="11" fill="#555"';
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="实名认证用户数走势（万人）">
    <text x="4" y="12" ${text}>万人</text>
    ${yTicks.map((v) => `<line x1="${left}" x2="${width - right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e3e3e3"/>
      <text class="y-tick" x="${left - 4}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" ${text}>${v / 10000}</text>`).join("")}
    <line x1="${left}" x2="${left}" y1="${top}" y2="${height - bottom}" stroke="#999"/>
    <line x1="${left}" x2="${width - right}" y1="${height - bottom}" y2="${height - bottom}" stroke="#999"/>
    ${xTicks.map((i, k) => `<text class="x-tick" x="${x(i).toFixed(1)}" y="${height - bottom + 15}" text-anchor="${k === 0 ? "start" : k === xTicks.length - 1 ? "end" : "middle"}" ${text}>${points[i].date}</text>`).join("")}
    <text x="${(left + width - right) / 2}" y="${height - 6}" text-anchor="middle" ${text}>日期</text>
    <line class="target-line" x1="${left}" x2="${width - right}" y1="${y(target).toFixed(1)}" y2="${y(target).toFixed(1)}" stroke="#b00020" stroke-dasharray="6 4"/>
    <text x="${width - right}" y="${(y(target) - 5).toFixed(1)}" text-anchor="end" font-size="11" fill="#b00020">目标 ${wan(target)}</text>
    <path d="${line}" fill="none" stroke="#2f5597" stroke-width="2.5"/>
  </svg>`;
}

// A target's figure in its own measure: a share of weeks is a percentage, an average has decimals.
function figure(item, value) {
  if (value == null) return "—";
  if (item.measure === "share_of_weeks") return pct(value);
  if (item.measure === "monthly_average") return value.toLocaleString("zh-CN", { maximumFractionDigits: 2 });
  return num(Math.round(value));
}

const TARGET_STATUS_ENDED = { done: "已达标", on_track: "未达标", behind: "未达标" };

// The district a city official (or an admin) opened from the city's overview; a district
// official always reads their own, whatever is kept here.
const OPENED_DISTRICT = "overviewDistrict";

async function renderOverview() {
  const opened = state.me.district_code ? "" : sessionStorage.getItem(OPENED_DISTRICT) || "";
  const scope = opened ? `district=${opened}` : "";
  const [board, series, targets] = await Promise.all([
    api(`/api/v1/dashboard/users${scope ? `?${scope}` : ""}`),
    api(`/api/v1/dashboard/users/series?step=week${scope ? `&${scope}` : ""}`), api("/api/v1/targets")]);
  if (board.scope === "city") return renderCityOverview(board, series, targets);
  // Field work is taken on the day the figures are: today, or the contract's last day.
  const monday = mondayOf(board.as_of);
  const [coverage, weekVisits] = await Promise.all([
    api(`/api/v1/visits/coverage?as_of=${board.as_of}${scope ? `&${scope}` : ""}`),
    api(`/api/v1/visits?from=${monday}&to=${board.as_of}&per_page=100${scope ? `&${scope}` : ""}`)]);
  const fieldwork = Object.fromEntries(coverage.items.map((row) => [row.community_code, row]));
  const ended = today() > board.contract_end;
  view.innerHTML = `
    ${opened ? `<p><button class="secondary" id="back-to-city" type="button">← 全市总览</button></p>` : ""}
    ${headlineCard(board, series, targets, (opened || state.me.district_code) && board.district ? board.district.name : "")}
    <section class="card"><h2>各街道进度（点击查看社区）</h2>
      <div class="sort-line"><label for="street-sort">排序</label><select id="street-sort">
        ${Object.entries(STREET_ORDERS).map(([key, [label]]) => `<option value="${key}">${label}</option>`).join("")}</select></div>
      <p class="muted legend">各街道目标按社区数分配${opened ? "本区" : "全区"}目标；“按进度应达”为合同开始时的人数按天匀速增至目标。
        <span class="tag behind">落后</span><span class="tag on_track">按进度</span><span class="tag done">已达标</span></p>
      <div class="scroll"><table id="streets"><thead><tr><th>街道 / 社区</th><th>实名用户 / 目标</th><th>完成率</th><th>按进度应达</th><th>近一周</th><th>联络员</th><th>走访</th></tr></thead>
      <tbody></tbody></table></div></section>
    ${weekVisitsSection(monday, board.as_of, weekVisits)}
    ${overdueSection(coverage.items, board.streets)}
    ${targetsSection(targets)}
    ${weeklySection(targets.contract, board.streets)}`;
  // The policy refuses style attributes in markup; widths are set through the DOM instead.
  $("#board-progress").style.width = `${Math.min(100, (board.progress || 0) * 100)}%`;
  const showStreets = () => { $("#streets tbody").innerHTML = streetRows(board.streets, fieldwork, ended, $("#street-sort").value); };
  $("#street-sort").addEventListener("change", showStreets);
  showStreets();
  $("#streets tbody").addEventListener("click", (event) => {
    const row = event.target.closest("tr.street");
    if (row) view.querySelectorAll(`tr[data-of="${row.dataset.street}"]`).forEach((sub) => { sub.hidden = !sub.hidden; });
  });
  if (opened) $("#back-to-city").addEventListener("click", () => { sessionStorage.removeItem(OPENED_DISTRICT); renderOverview(); });
  wireWeeklySection(board.streets, opened);
}

// The city's overview: every district against its share of the target; a district opens
// with its streets and communities.
function renderCityOverview(board, series, targets) {
  const ended = today() > board.contract_end;
  view.innerHTML = `
    ${headlineCard(board, series, targets, "全市")}
    <section class="card"><h2>各区进度（点击查看街道和社区）</h2>
      <p class="muted legend">各区目标按社区数分配全市目标；“按进度应达”为合同开始时的人数按天匀速增至目标。
        <span class="tag behind">落后</span><span class="tag on_track">按进度</span><span class="tag done">已达标</span></p>
      <div class="scroll"><table id="districts"><thead><tr><th>区</th><th>实名用户 / 目标</th><th>完成率</th><th>按进度应达</th><th>近一周</th><th>街道 / 社区</th></tr></thead>
      <tbody>${[...board.districts].sort((a, b) => paceRatio(a) - paceRatio(b) || a.code.localeCompare(b.code)).map((d) => `
        <tr class="district pace-${d.pace}" data-district="${d.code}"><td><a href="#overview">${esc(d.name)}</a> ${paceTag(d, ended)}</td>
          <td>${num(d.verified)} / ${num(d.target)}</td><td>${pct(d.progress)}</td><td>${ended ? "—" : num(Math.round(d.expected))}</td>
          <td>+${num(d.growth_1w)}</td><td>${num(d.streets)} / ${num(d.communities)}</td></tr>`).join("")}</tbody></table></div></section>
    ${targetsSection(targets)}`;
  $("#board-progress").style.width = `${Math.min(100, (board.progress || 0) * 100)}%`;
  $("#districts tbody").addEventListener("click", (event) => {
    const row = event.target.closest("tr.district");
    if (!row) return;
    event.preventDefault();
    sessionStorage.setItem(OPENED_DISTRICT, row.dataset.district);
    renderOverview();
  });
}

// Verified users against the target, the pace, and the chart of the place the board is of.
function headlineCard(board, series, targets, place) {
  const ended = today() > board.contract_end;
  const pace = ended
    ? `合同期已结束（${esc(targets.contract ? `${targets.contract.start} 至 ${targets.contract.end}` : board.contract_end)}），最终完成 ${pct(board.progress)}${board.verified >= board.target ? "，已达标" : `，差 ${num(board.target - board.verified)} 人未达标`}`
    : `近一周 +${num(board.growth_1w)} · 近四周 +${num(board.growth_4w)} · 合同期内每周还需 ${board.needed_weekly === null ? "—" : num(board.needed_weekly)}
      · ${board.verified >= board.target ? "已达标" : board.projected_date ? `按近 4 周速度预计 ${board.projected_date} 达标` : "按近 4 周速度无法预计达标日期"}`;
  return `<section class="card"><h2>${place ? `<span id="place">${esc(place)}</span> · ` : ""}实名认证用户数</h2>
      <p class="muted" id="as-of">${ended ? "最终数据" : "数据"}截至 ${esc(board.as_of)}</p>
      <div class="big" id="verified">${num(board.verified)}</div>
      <div class="muted">目标 <span id="target">${num(board.target)}</span> · 完成 ${pct(board.progress)} · 注册用户 ${num(board.registered)}</div>
      <div class="progress" aria-label="完成进度"><div id="board-progress"></div></div>
      <p class="${ended ? "ended" : "muted"}" id="pace">${pace}</p>
      ${lineChart(series.items, board.target)}
    </section>`;
}

function targetsSection(targets) {
  const targetsEnded = today() > targets.contract.end;
  return `<section class="card"><h2>合同目标（截至 ${esc(targets.as_of)}${targetsEnded ? "，合同期已结束" : ""}）</h2><div class="scroll"><table id="targets"><thead><tr><th>目标</th><th>完成 / 目标值</th><th>完成率</th><th>状态</th></tr></thead><tbody>
      ${targets.items.map((t) => `<tr data-key="${t.key}"><td>${esc(t.name)}
          ${targetsEnded ? "" : `<div class="muted expected">按进度此时应达 ${figure(t, t.expected_by_now)}</div>`}
          ${t.missing && t.missing.length ? `<div class="muted">尚未培训：${t.missing.map((m) => esc(m.name)).join("、")}</div>` : ""}</td>
        <td><div class="actual">${figure(t, t.actual)}</div><div class="muted target-value">/ ${figure(t, t.target)}</div></td><td class="progress-pct">${pct(t.progress)}</td>
        <td><span class="tag ${t.status}" data-status="${t.status}">${(targetsEnded ? TARGET_STATUS_ENDED : TARGET_STATUS)[t.status]}</span></td></tr>`).join("")}
    </tbody></table></div></section>`;
}

// How far a place is along its own way to its target: 1 means exactly where it should be by now.
const paceRatio = (place) => (place.expected > 0 ? place.verified / place.expected : Infinity);
const PACE_LABELS = { behind: "落后", on_track: "按进度", done: "已达标" };
const STREET_ORDERS = {
  pace: ["按进度（落后在前）", (a, b) => paceRatio(a) - paceRatio(b)],
  progress: ["按完成率", (a, b) => (a.progress ?? 0) - (b.progress ?? 0)],
  verified: ["按实名用户数", (a, b) => b.verified - a.verified],
  code: ["按街道编码", (a, b) => a.code.localeCompare(b.code)],
};

function paceTag(place, ended) {
  const label = ended && place.pace !== "done" ? "未达标" : PACE_LABELS[place.pace];
  return `<span class="tag ${place.pace}" data-pace="${place.pace}">${label}</span>`;
}

function visitsText(row) {
  if (!row) return "—";
  const last = row.days_since_last === null ? "从未走访" : row.days_since_last === 0 ? "当天" : `${row.days_since_last} 天前`;
  return `${num(row.visits)} 次 · <span class="${row.overdue ? "overdue" : ""}">${last}</span>`;
}

// Each street (in the chosen order) with its pace, then its communities, hidden until clicked.
function streetRows(streets, fieldwork, ended, order) {
  const sorted = [...streets].sort((a, b) => STREET_ORDERS[order][1](a, b) || a.code.localeCompare(b.code));
  return sorted.map((s) => {
    const rows = s.communities.map((c) => fieldwork[c.code]);
    const liaisons = [...new Set(rows.flatMap((r) => (r ? r.liaisons : [])))];
    const overdue = rows.filter((r) => r && r.overdue).length;
    return `<tr class="street pace-${s.pace}" data-street="${s.code}"><td>${esc(s.name)} ${paceTag(s, ended)}</td>
      <td>${num(s.verified)} / ${num(s.target)}</td><td>${pct(s.progress)}</td><td>${ended ? "—" : num(Math.round(s.expected))}</td>
      <td>+${num(s.growth_1w)}</td><td class="names">${esc(liaisons.join("、")) || '<span class="overdue">无人负责</span>'}</td>
      <td>${overdue ? `<span class="overdue">${overdue} 个社区超期</span>` : "均按期"}</td></tr>
    ${s.communities.map((c) => { const row = fieldwork[c.code]; return `<tr class="sub" data-of="${s.code}" data-community="${c.code}" hidden>
      <td>${c.rank}. ${esc(c.name)} ${paceTag(c, ended)}</td><td>${num(c.verified)} / ${num(c.target)}</td><td>${pct(c.progress)}</td>
      <td>${ended ? "—" : num(Math.round(c.expected))}</td><td>+${num(c.growth_1w)}</td>
      <td class="names">${row && row.liaisons.length ? esc(row.liaisons.join("、")) : '<span class="overdue">无人负责</span>'}</td><td>${visitsText(row)}</td></tr>`; }).join("")}`;
  }).join("");
}

function mondayOf(day) {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return date.toISOString().slice(0, 10);
}

// A long list shows its first items; the rest are one click away.
const SHOWN_FIRST = 10;
function shortList(items, line, empty, noun) {
  if (!items.length) return `<ul class="list"><li class="muted">${empty}</li></ul>`;
  const rest = items.slice(SHOWN_FIRST);
  return `<ul class="list">${items.slice(0, SHOWN_FIRST).map(line).join("")}</ul>
    ${rest.length ? `<details><summary>显示其余 ${rest.length} ${noun}</summary><ul class="list">${rest.map(line).join("")}</ul></details>` : ""}`;
}

function weekVisitsSection(monday, asOf, visits) {
  const all = visits.total <= visits.items.length;
  const places = new Set(visits.items.map((v) => v.community_code)).size;
  return `<section class="card" id="week-visits"><h2>本周走访（${monday} 至 ${asOf}）</h2>
    <p class="muted">共 ${num(visits.total)} 次${all ? `，涉及 ${places} 个社区` : `，以下是最近 ${visits.items.length} 次`}</p>
    ${shortList(visits.items, (v) => `<li><b>${esc(v.community_name)}</b><span class="tag ${v.standing}">${esc(v.standing_label)}</span>
      <div class="muted">${localTime(v.visited_at)} · ${esc(v.liaison)} · ${PURPOSES[v.purpose]} · 接触 ${v.people_met} 人</div></li>`,
      "本周还没有走访", "次")}</section>`;
}

function overdueSection(rows, streets) {
  const streetName = Object.fromEntries(streets.map((s) => [s.code, s.name]));
  const overdue = rows.filter((r) => r.overdue);
  return `<section class="card" id="overdue"><h2>超期未走访的社区（${overdue.length}）</h2>
    <p class="muted">最久未走访的在前</p>
    ${shortList(overdue, (r) => `<li data-community="${r.community_code}"><b>${esc(r.community_name)}</b>
      <span class="overdue">${r.days_since_last === null ? "从未走访" : `${r.days_since_last} 天未走访`}</span>
      <div class="muted">${esc(streetName[r.street_code])} · 联络员 ${esc(r.liaisons.join("、")) || "无人负责"}</div></li>`,
      "没有超期未走访的社区", "个社区")}</section>`;
}

// ---------------------------------------------------------------- a community's own page
// This week's figures of the account's community and the workbooks delivered to it, newest
// first; a download is the same file the district archive holds (its opening is recorded).

const signed = (n) => (n > 0 ? `+${num(n)}` : n < 0 ? `−${num(-n)}` : "0");

async function renderContracts() {
  const contracts = await api("/api/v1/contracts");
  view.innerHTML = `<section class="card"><h2>我的合同</h2>
    <ul class="list" id="contract-list">${contracts.map((c) => `<li data-contract="${esc(c.key)}">
      <b>${esc(c.name)}</b><span class="tag">${esc(MEMBER_ROLES[c.my_role] || c.my_role)}</span>
      <div class="muted">${esc(c.client)} · ${esc(c.start)} 至 ${esc(c.end)}</div></li>`).join("")
      || '<li class="muted">您还没有加入任何合同，请联系管理员。</li>'}</ul></section>`;
}

async function renderMine() {
  view.innerHTML = '<p class="muted">正在加载…</p>';
  const [page, books] = await Promise.all([api("/api/v1/community"), api("/api/v1/community/workbooks")]);
  const lastVisit = page.last_visit_at
    ? `${esc(localTime(page.last_visit_at))}（${page.days_since_last_visit} 天前）` : "尚无走访";
  view.innerHTML = `
    <section class="card" id="mine">
      <h2>${esc(page.community_name)}</h2>
      <p class="muted">${esc(page.street_name)} · 截至 ${esc(page.as_of)}</p>
      <dl class="figures">
        <div><dt>注册用户</dt><dd id="mine-registered">${num(page.registered)}</dd><dd class="muted">本周 ${signed(page.registered_change)}</dd></div>
        <div><dt>实名认证用户</dt><dd id="mine-verified">${num(page.verified)}</dd><dd class="muted">本周 ${signed(page.verified_change)}</dd></div>
        <div><dt>街道内排名</dt><dd id="mine-rank">第 ${page.rank_in_street} 名</dd><dd class="muted">共 ${page.communities_in_street} 个社区</dd></div>
        <div><dt>最近一次走访</dt><dd id="mine-visit">${lastVisit}</dd></div>
      </dl>
      <h3>未解决的问题（${page.open_problems.length}）</h3>
      ${page.open_problems.length ? `<ul id="mine-problems">${page.open_problems.map((p) => `<li>${esc(p.title)} <span class="muted">· ${esc(p.category)} · ${esc(p.status_label)} · ${esc(localTime(p.created_at))}</span></li>`).join("")}</ul>` : '<p class="muted" id="mine-problems">没有未解决的问题</p>'}
    </section>
    <section class="card">
      <h2>每周运营数据报表</h2>
      ${books.items.length ? `<ul class="workbooks" id="workbooks">${books.items.map((b) => `<li data-week="${esc(b.week)}">
        <b>${esc(b.week)}</b> <span class="muted">${esc(b.start)} 至 ${esc(b.end)}</span>
        ${b.downloadable ? `<button type="button" class="secondary" data-download="${esc(b.url)}" data-name="${esc(`${b.week}_${page.community_name}.xlsx`)}">下载</button>` : '<span class="muted">文件已归档</span>'}
        <div class="muted">${b.first_opened_at ? `已打开：${esc(localTime(b.first_opened_at))}（${esc(b.first_opened_by || "")}）` : `送达：${esc(localTime(b.made_available_at))}，尚未打开`}</div></li>`).join("")}</ul>`
        : '<p class="muted" id="workbooks">还没有送达本社区的周报</p>'}
    </section>`;
  view.querySelectorAll("[data-download]").forEach((b) => b.addEventListener("click", async () => {
    b.disabled = true;
    try {
      const response = await api(b.dataset.download, { raw: true, timeout: 120000 });
      const link = document.createElement("a");
      link.href = URL.createObjectURL(await response.blob());
      link.download = b.dataset.name;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 60000);
    } catch (error) { toast(error.message); }
    finally { b.disabled = false; }
  }));
}

// ---------------------------------------------------------------- weekly spreadsheets
// A week's full set is made by the job queue's consumers (admins ask for it); the page shows
// whether it is made, follows one being made every 2 s, and downloads the stored files.

const WEEK_POLL_MS = 2000;
// Each downloadable file of a set: its address and the name it is saved under.
const WEEK_FILES = {
  "district.xlsx": (week) => [`/api/v1/reports/weekly/${week}/district.xlsx${weekDistrict("?")}`, `${week}_全区汇总.xlsx`],
  zip: (week) => [`/api/v1/reports/weekly/${week}.zip${weekDistrict("?")}`, `${week}.zip`],
  street: (week) => { const o = $("#week-street").selectedOptions[0];
    return [`/api/v1/reports/weekly/${week}/streets/${o.value}.xlsx`, `${week}_${o.textContent}.xlsx`]; },
  community: (week) => { const o = $("#week-community").selectedOptions[0];
    return [`/api/v1/reports/weekly/${week}/communities/${o.value}.xlsx`, `${week}_${o.textContent}.xlsx`]; },
};
// What is being watched: the week, its last status, and a generation that changes whenever the
// week or the screen changes, so that late answers and timers of the old one are dropped.
const weekWatch = { generation: 0, timer: null, week: null, status: null, district: "" };
// The district a set is asked of: the one a city official opened (a district official's own
// and the only one held are the API's default).
const weekDistrict = (separator) => (weekWatch.district ? `${separator}district=${weekWatch.district}` : "");

function stopWeekWatch() {
  weekWatch.generation += 1;
  clearTimeout(weekWatch.timer);
  weekWatch.timer = null; weekWatch.status = null;
}

function isoWeek(date) {
  const t = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const first = new Date(Date.UTC(t.getUTCFullYear(), 0, 1));
  return `${t.getUTCFullYear()}-W${String(Math.ceil(((t - first) / 864e5 + 1) / 7)).padStart(2, "0")}`;
}
// Today in Shanghai as a UTC date, so that the week does not depend on the phone's time zone.
const shanghaiToday = () => new Date(`${today()}T00:00:00Z`);

const MONDAY_OF = (day) => new Date(day.getTime() - ((day.getUTCDay() || 7) - 1) * 864e5);
const monthDay = (day) => `${day.getUTCMonth() + 1}月${day.getUTCDate()}日`;

// The contract's weeks up to this one, newest first, named in Chinese (the browser's own week
// control speaks the phone's language, e.g. "Week 47, 2026").
function contractWeeks(contract) {
  const last = new Date(Math.min(new Date(`${contract.end}T00:00:00Z`), shanghaiToday()));
  const weeks = [];
  for (let monday = MONDAY_OF(new Date(`${contract.start}T00:00:00Z`)); monday <= last; monday = new Date(monday.getTime() + 7 * 864e5)) {
    const label = isoWeek(monday);
    const sunday = new Date(monday.getTime() + 6 * 864e5);
    weeks.unshift({ label, text: `${label.slice(0, 4)} 年第 ${Number(label.slice(6))} 周（${monthDay(monday)}–${monthDay(sunday)}）` });
  }
  return weeks;
}

// The default week is last week, or the contract's last complete week once it is over.
function weeklySection(contract, streets) {
  const dayAfterEnd = new Date(new Date(`${contract.end}T00:00:00Z`).getTime() + 864e5);
  const now = dayAfterEnd < shanghaiToday() ? dayAfterEnd : shanghaiToday();
  const lastWeek = isoWeek(new Date(now.getTime() - 7 * 864e5));
  const weeks = contractWeeks(contract);
  const chosen = weeks.some((w) => w.label === lastWeek) ? lastWeek : weeks[0]?.label;
  return `<section class="card" id="weekly"><h2>每周运营数据报表</h2>
      <label for="week">周次</label><select id="week">${weeks.map((w) => `<option value="${w.label}"${w.label === chosen ? " selected" : ""}>${w.text}</option>`).join("")}</select>
      <p id="week-status" class="week-status" role="status" aria-live="polite">正在查询…</p>
      <div class="progress" id="week-progress" role="progressbar" aria-label="生成进度" hidden><div></div></div>
      <p id="week-note" class="muted" hidden></p>
      <p id="week-stale" class="warning" hidden>本周数据在生成后有变动，建议重新生成</p>
      <div class="row spaced"><button class="secondary" data-file="district.xlsx" disabled>全区汇总</button><button class="secondary" data-file="zip" disabled>全部（压缩包）</button></div>
      <label for="week-street">街道</label><select id="week-street">${streets.map((s) => `<option value="${s.code}">${esc(s.name)}</option>`).join("")}</select>
      <label for="week-community">社区</label><select id="week-community"></select>
      <div class="row spaced"><button class="secondary" data-file="street" disabled>街道汇总</button><button class="secondary" data-file="community" disabled>社区报表</button></div>
      <p id="week-deliveries" class="muted" role="status"></p>
      <button class="secondary" id="week-ledger" type="button">送达记录（Excel）</button>
      ${state.me.role === "admin" ? '<button id="make-week" class="wide" type="button" hidden>生成本周报表</button><p class="muted"><a href="/api/docs" target="_blank" rel="noopener">接口文档（API）</a></p>' : ""}
    </section>`;
}

function madeText(job) {
  const took = job.seconds == null ? "" : `，用时 ${job.seconds < 10 ? job.seconds.toFixed(1) : Math.round(job.seconds)} 秒`;
  return `${shanghaiMinute(job.finished_at)}${took}`;
}

function progressText(job) {
  if (job.status === "queued") return "正在生成：排队等候中…";
  if (job.progress_total == null) return "正在生成：正在读取本周数据…";
  return `正在生成：已完成 ${job.progress_done} / ${job.progress_total} 个文件`;
}

// Nothing of the previous week stays usable while the chosen one is being looked up.
function showWeekPending(text) {
  $("#week-status").textContent = text;
  $("#week-status").classList.remove("failed");
  $("#week-progress").hidden = true; $("#week-note").hidden = true; $("#week-stale").hidden = true;
  view.querySelectorAll("#weekly [data-file]").forEach((b) => { b.disabled = true; });
  const make = $("#make-week");
  if (make) make.hidden = true;
}

function showWeek(status) {
  const { latest, active } = status;
  const failed = !active && status.runs.length && status.runs[0].status === "failed" ? status.runs[0] : null;
  const admin = state.me.role === "admin";
  const line = $("#week-status");
  line.textContent = active ? progressText(active) : failed ? `生成失败：${failed.error || "原因不明"}`
    : latest ? `已生成（${madeText(latest)}）` : "尚未生成";
  line.classList.toggle("failed", Boolean(failed));
  const bar = $("#week-progress");
  bar.hidden = !(active && active.progress_total);
  if (!bar.hidden) {
    bar.setAttribute("aria-valuemax", active.progress_total); bar.setAttribute("aria-valuenow", active.progress_done);
    bar.firstElementChild.style.width = `${Math.min(100, (100 * active.progress_done) / active.progress_total)}%`;
  }
  const notes = [];
  if (active && active.error) notes.push(active.error);
  if ((active || failed) && latest) notes.push(`目前可下载 ${madeText(latest)} 生成的版本`);
  if (!latest && !active && !admin) notes.push("请联系管理员生成");
  if (!status.in_contract) notes.push("该周不在合同期内");
  $("#week-note").textContent = notes.join("；");
  $("#week-note").hidden = !notes.length;
  $("#week-stale").hidden = !(status.stale && !active);
  view.querySelectorAll("#weekly [data-file]").forEach((b) => { b.disabled = !status.generated; });
  const make = $("#make-week");
  if (make) {
    make.hidden = false;
    make.disabled = Boolean(active);
    make.textContent = status.generated || status.stale ? "重新生成" : "生成本周报表";
  }
}

async function loadWeek(week, generation) {
  const current = () => generation === weekWatch.generation && document.contains($("#weekly"));
  let status;
  try {
    status = await api(`/api/v1/reports/weekly/${week}${weekDistrict("?")}`);
  } catch (error) {
    if (!current()) return;
    const following = weekWatch.status && weekWatch.status.active;
    if (following && (error instanceof NetworkError || error.status >= 500)) {
      $("#week-note").textContent = "网络不佳，稍后自动刷新进度"; $("#week-note").hidden = false;
      weekWatch.timer = setTimeout(() => loadWeek(week, generation), WEEK_POLL_MS);
      return;
    }
    showWeekPending(error instanceof NetworkError ? "网络不可用，无法查询报表状态" : error.message);
    return;
  }
  if (!current()) return;
  const finished = weekWatch.status && weekWatch.status.active && !status.active;
  weekWatch.status = status;
  showWeek(status);
  // Who received the week's workbooks: asked once per week chosen, and again when a set ends.
  if (!weekWatch.deliveriesShown || finished) { weekWatch.deliveriesShown = true; loadDeliveries(week, current); }
  if (status.active) weekWatch.timer = setTimeout(() => loadWeek(week, generation), WEEK_POLL_MS);
}

async function loadDeliveries(week, current) {
  const line = $("#week-deliveries");
  try {
    const ledger = await api(`/api/v1/reports/weekly/${week}/deliveries${weekDistrict("?")}`);
    if (!current()) return;
    line.textContent = ledger.set_made || ledger.delivered
      ? `送达社区：${ledger.delivered} 个（已打开 ${ledger.opened} 个）；无法送达（没有社区账号）：${ledger.undeliverable} 个`
      : "本周报表尚未送达各社区";
  } catch (error) { if (current()) line.textContent = ""; }
}
function watchWeek(week) {
  stopWeekWatch();
  weekWatch.week = week;
  weekWatch.deliveriesShown = false;
  if (!/^\d{4}-W\d{2}$/.test(week)) { showWeekPending("请选择周次"); return; }
  showWeekPending("正在查询…");
  loadWeek(week, weekWatch.generation);
}

function wireWeeklySection(streets, district = "") {
  weekWatch.district = district;
  const street = $("#week-street");
  const fillCommunities = () => {
    const chosen = streets.find((s) => s.code === street.value);
    $("#week-community").innerHTML = (chosen ? chosen.communities : [])
      .map((c) => `<option value="${c.code}">${esc(c.name)}</option>`).join("");
  };
  street.addEventListener("change", fillCommunities);
  fillCommunities();
  const input = $("#week");
  input.addEventListener("change", () => watchWeek(input.value));
  watchWeek(input.value);
  view.querySelectorAll("#weekly [data-file]").forEach((b) => b.addEventListener("click", async () => {
    const week = weekWatch.week;
    const [path, name] = WEEK_FILES[b.dataset.file](week);
    b.disabled = true;
    try {
      const response = await api(path, { raw: true, timeout: 120000 });
      const link = document.createElement("a");
      link.href = URL.createObjectURL(await response.blob());
      link.download = name;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 60000);
    } catch (error) { toast(error.message); }
    finally { b.disabled = !(weekWatch.week === week && weekWatch.status && weekWatch.status.generated); }
  }));
  $("#week-ledger").addEventListener("click", async (event) => {
    const week = weekWatch.week;
    event.target.disabled = true;
    try {
      const response = await api(`/api/v1/reports/weekly/${week}/deliveries.xlsx${weekDistrict("?")}`, { raw: true, timeout: 60000 });
      const link = document.createElement("a");
      link.href = URL.createObjectURL(await response.blob());
      link.download = `${week}_周报送达记录.xlsx`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 60000);
    } catch (error) { toast(error.message); }
    finally { event.target.disabled = false; }
  });
  $("#make-week")?.addEventListener("click", async (event) => {
    const week = weekWatch.week;
    const generation = weekWatch.generation;
    event.target.disabled = true;
    try {
      const job = await api(`/api/v1/reports/weekly/${week}/runs${weekDistrict("?")}`, { method: "POST" });
      if (generation !== weekWatch.generation) return;
      // The queued job shows at once; its progress follows from the week's status.
      clearTimeout(weekWatch.timer);
      const before = weekWatch.status || { generated: false, stale: false, in_contract: true, latest: null, runs: [] };
      weekWatch.status = { ...before, active: job, runs: [job, ...before.runs.filter((r) => r.id !== job.id)] };
      showWeek(weekWatch.status);
      weekWatch.timer = setTimeout(() => loadWeek(week, generation), WEEK_POLL_MS);
    } catch (error) {
      toast(error.message);
      if (generation === weekWatch.generation) event.target.disabled = false;
    }
  });
}

// ---------------------------------------------------------------- start

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js").catch(() => {});
}
localStorage.removeItem("communities"); // the old cache, shared by whoever used the phone
// Once, when this version first runs: visits queued before queues had owners go to the liaison
// logged in now (the one who queued them); with nobody logged in they stay unsent, shown to no one.
const claimOnce = localStorage.getItem("queueOwners") ? Promise.resolve()
  : (me() ? queue.claimUnowned(me()) : Promise.resolve()).then(() => localStorage.setItem("queueOwners", "1"));
claimOnce.catch(() => {})
  .then(render).then(() => { if (navigator.onLine) syncQueue(); });
