// 西城家园推广运营: the phone client for liaisons and the dashboard for officials.
// Plain ES module, no build step. Everything a person reads is Chinese.
import { queue } from "/static/queue.js";

const $ = (selector, root = document) => root.querySelector(selector);
const view = $("#view");
const state = { token: localStorage.getItem("token"), me: JSON.parse(localStorage.getItem("me") || "null") };

const FIELD_LABELS = {
  username: "用户名", password: "密码", community_code: "社区", visited_at: "走访时间",
  latitude: "纬度", longitude: "经度", accuracy_m: "定位精度", fix_at: "定位时间", purpose: "走访目的",
  notes: "备注", people_met: "接触人数", new_registrations: "现场注册人数", client_id: "记录编号",
  title: "标题", category: "类别", description: "描述", status: "状态", resolution: "解决情况",
  week: "周次", _schema: "内容",
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

class ApiError extends Error {
  constructor(status, body) { super(describeError(status, body)); this.status = status; this.body = body; }
}
class NetworkError extends Error {}

function describeError(status, body) {
  if (status === 401 && body && body.message === "用户名或密码错误") return "用户名或密码错误";
  const errors = (body && body.errors) || {};
  const fields = Object.values(errors).flatMap((e) => (e && typeof e === "object" && !Array.isArray(e) ? Object.keys(e) : []));
  const top = Object.keys(errors).filter((k) => Array.isArray(errors[k]));
  const names = [...fields, ...top].map((f) => FIELD_LABELS[f.split(".").pop()] || FIELD_LABELS[f] || null).filter(Boolean);
  const base = STATUS_MESSAGES[status] || "操作未成功";
  if (status === 422 && names.length) return `${base}：请检查“${[...new Set(names)].join("”“")}”`;
  if (body && body.message && /[\u4e00-\u9fa5]/.test(body.message) && status !== 500) return body.message;
  return base;
}

async function api(path, { method = "GET", body, timeout = 12000, raw = false } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeout);
  let response;
  try {
    response = await fetch(path, {
      method, signal: controller.signal,
      headers: { ...(body ? { "Content-Type": "application/json" } : {}), ...(state.token ? { Authorization: `Bearer ${state.token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch (error) {
    throw new NetworkError("网络不可用");
  } finally { clearTimeout(timer); }
  if (response.status === 401 && state.token && !path.endsWith("/auth/login")) { logout(); }
  if (!response.ok) {
    const data = await response.json().catch(() => null);
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
const localTime = (iso) => new Date(iso).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false });
const today = () => new Date().toLocaleDateString("sv-SE", { timeZone: "Asia/Shanghai" });
const shanghaiMinute = (iso) => new Date(iso).toLocaleString("sv-SE", { timeZone: "Asia/Shanghai", hour12: false }).slice(0, 16);

// ---------------------------------------------------------------- session

function logout() {
  state.token = null; state.me = null;
  localStorage.removeItem("token"); localStorage.removeItem("me");
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
      state.token = data.access_token; state.me = data.user;
      localStorage.setItem("token", state.token); localStorage.setItem("me", JSON.stringify(state.me));
      location.hash = ""; render();
    } catch (error) {
      const box = $("#login-error");
      box.textContent = error instanceof NetworkError ? "网络不可用，请联网后登录" : error.message;
      box.hidden = false;
    }
  });
}

// ---------------------------------------------------------------- navigation

const LIAISON_TABS = [["communities", "我的社区"], ["log", "记录走访"], ["recent", "最近走访"], ["problems", "问题"]];
const OFFICIAL_TABS = [["overview", "总览"], ["problems", "问题"]];

function tabsFor(role) { return role === "liaison" ? LIAISON_TABS : OFFICIAL_TABS; }

async function render() {
  stopWeekWatch();
  if (!state.token || !state.me) return renderLogin();
  $("#who").textContent = state.me.display_name;
  $("#logout").hidden = false;
  const tabs = tabsFor(state.me.role);
  const current = location.hash.slice(1) || tabs[0][0];
  const nav = $("#tabs");
  nav.hidden = false;
  nav.innerHTML = tabs.map(([key, label]) => `<a href="#${key}" class="${key === current ? "on" : ""}">${label}</a>`).join("");
  await refreshQueueBar();
  const screens = { communities: renderCommunities, log: renderLogVisit, recent: renderRecent, problems: renderProblems, overview: renderOverview };
  try {
    await (screens[current] || screens[tabs[0][0]])();
  } catch (error) {
    view.innerHTML = `<p class="error">${esc(error instanceof NetworkError ? "网络不可用，显示的内容可能不是最新" : error.message)}</p>`;
  }
}

window.addEventListener("hashchange", render);
$("#logout").addEventListener("click", logout);

// ---------------------------------------------------------------- offline queue

async function refreshQueueBar() {
  const bar = $("#net");
  const items = await queue.all();
  const waiting = items.filter((i) => !i.errors).length;
  const refused = items.filter((i) => i.errors);
  const offline = !navigator.onLine;
  if (!waiting && !refused.length && !offline) { bar.hidden = true; bar.innerHTML = ""; return; }
  bar.hidden = false;
  bar.innerHTML = `
    ${offline ? "<span>当前离线，走访会先保存在手机上。</span>" : ""}
    ${waiting ? `<span>待上传走访：<b id="waiting">${waiting}</b> 条</span><button id="sync-now" class="secondary">立即上传</button>` : ""}
    ${refused.map((i) => `<span class="error">一条走访未被接收：${esc(i.errors)} <button class="secondary" data-drop="${i.client_id}">删除</button></span>`).join("")}`;
  $("#sync-now")?.addEventListener("click", () => syncQueue(true));
  bar.querySelectorAll("[data-drop]").forEach((b) => b.addEventListener("click", async () => { await queue.remove(b.dataset.drop); refreshQueueBar(); }));
}

function syncErrors(errors) {
  const names = Object.keys(errors || {}).map((k) => FIELD_LABELS[k] || k);
  return names.length ? `请检查“${names.join("”“")}”` : "内容有误";
}

let syncing = false;
async function syncQueue(manual = false) {
  if (syncing || !state.token) return;
  const pending = (await queue.all()).filter((i) => !i.errors).slice(0, 200);
  if (!pending.length) { if (manual) toast("没有待上传的走访"); return; }
  syncing = true;
  try {
    const data = await api("/api/v1/visits/sync", { method: "POST", body: { visits: pending.map((i) => i.body) }, timeout: 30000 });
    let sent = 0;
    for (const result of data.results) {
      if (result.status === "created" || result.status === "duplicate") { await queue.remove(result.client_id); sent += 1; }
      else if (result.client_id) { await queue.markRefused(result.client_id, syncErrors(result.errors)); }
    }
    toast(`已上传 ${sent} 条走访`);
  } catch (error) {
    if (manual) toast(error instanceof NetworkError ? "仍然无法连接服务器，稍后会自动重试" : error.message);
  } finally {
    syncing = false;
    await refreshQueueBar();
  }
}

window.addEventListener("online", () => { refreshQueueBar(); syncQueue(); });
window.addEventListener("offline", refreshQueueBar);
setInterval(() => { if (navigator.onLine) syncQueue(); }, 60000);

// ---------------------------------------------------------------- liaison screens

let myCommunities = JSON.parse(localStorage.getItem("communities") || "[]");

async function loadCommunities() {
  try {
    const data = await api("/api/v1/visits/coverage");
    myCommunities = data.items;
    localStorage.setItem("communities", JSON.stringify(myCommunities));
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
  }
  return myCommunities;
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

async function renderLogVisit() {
  const communities = myCommunities.length ? myCommunities : await loadCommunities();
  let fix = null;
  let picked = sessionStorage.getItem("pick") || "";
  sessionStorage.removeItem("pick");
  view.innerHTML = `<form class="card" id="visit" novalidate>
    <h2>记录走访</h2>
    <label for="search">社区（输入名称查找）</label>
    <input id="search" type="search" placeholder="例如：府右街" autocomplete="off">
    <div class="options" id="options" role="listbox" aria-label="社区列表"></div>
    <label>位置</label>
    <button type="button" id="locate" class="secondary wide">获取当前位置</button>
    <p id="fix" class="muted">尚未定位（可不定位直接提交，但需审核）</p>
    <label for="purpose">走访目的</label>
    <select id="purpose">${Object.entries(PURPOSES).map(([k, v]) => `<option value="${k}">${v}</option>`).join("")}</select>
    <div class="row">
      <div><label for="people">接触人数</label><input id="people" type="number" min="0" inputmode="numeric" value="0"></div>
      <div><label for="signups">现场注册人数</label><input id="signups" type="number" min="0" inputmode="numeric" value="0"></div>
    </div>
    <label for="notes">备注</label>
    <textarea id="notes" maxlength="2000"></textarea>
    <p id="visit-error" class="error" hidden></p>
    <button class="wide" type="submit">提交走访</button>
  </form>`;
  const options = $("#options");
  const drawOptions = () => {
    const q = $("#search").value.trim();
    const shown = communities.filter((c) => !q || c.community_name.includes(q)).slice(0, 50);
    options.innerHTML = shown.map((c) => `<button type="button" role="option" data-code="${c.community_code}" class="${c.community_code === picked ? "on" : ""}">${esc(c.community_name)}</button>`).join("") || '<p class="muted">没有匹配的社区</p>';
    options.querySelectorAll("[data-code]").forEach((b) => b.addEventListener("click", () => { picked = b.dataset.code; drawOptions(); showFix(); }));
  };
  const showFix = () => {
    if (!fix) return;
    const community = communities.find((c) => c.community_code === picked);
    let near = "提交后核验是否在社区附近";
    if (community && community.latitude != null) {
      near = distanceM([fix.latitude, fix.longitude], [community.latitude, community.longitude]) <= (community.radius_m || 800) ? "在社区附近" : "距离社区较远";
    }
    $("#fix").textContent = `已定位：精度约 ${Math.round(fix.accuracy_m)} 米，${near}`;
  };
  $("#search").addEventListener("input", drawOptions);
  drawOptions();
  $("#locate").addEventListener("click", () => {
    if (!navigator.geolocation) { $("#fix").textContent = "此浏览器不支持定位"; return; }
    $("#fix").textContent = "正在定位…";
    navigator.geolocation.getCurrentPosition((position) => {
      fix = { latitude: position.coords.latitude, longitude: position.coords.longitude,
        accuracy_m: position.coords.accuracy, fix_at: new Date(position.timestamp).toISOString() };
      showFix();
    }, (error) => { $("#fix").textContent = error.code === 1 ? "未获得定位权限，请在浏览器设置中允许定位" : "暂时无法定位，可稍后重试"; },
    { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });
  $("#visit").addEventListener("submit", async (event) => {
    event.preventDefault();
    const errorBox = $("#visit-error");
    errorBox.hidden = true;
    if (!picked) { errorBox.textContent = "请选择社区"; errorBox.hidden = false; return; }
    const body = { client_id: crypto.randomUUID(), community_code: picked, visited_at: new Date().toISOString(),
      purpose: $("#purpose").value, notes: $("#notes").value, people_met: Number($("#people").value || 0),
      new_registrations: Number($("#signups").value || 0), ...(fix || {}) };
    // Saved first, so that nothing is lost if the page closes while sending.
    await queue.add(body);
    try {
      const visit = await api("/api/v1/visits", { method: "POST", body });
      await queue.remove(body.client_id);
      toast(`已提交：${CHECKS[visit.location_check]}`);
      location.hash = "#recent";
    } catch (error) {
      if (error instanceof NetworkError || (error.status >= 500)) {
        toast("网络不佳，走访已保存在手机上，恢复网络后自动上传");
        event.target.reset(); fix = null; picked = ""; drawOptions();
        $("#fix").textContent = "尚未定位";
      } else {
        await queue.remove(body.client_id);
        errorBox.textContent = error.message; errorBox.hidden = false;
      }
    }
    refreshQueueBar();
  });
}

async function renderRecent() {
  const data = await api("/api/v1/visits?per_page=30");
  const editable = (v) => Date.now() - new Date(v.created_at).getTime() < 24 * 3600 * 1000;
  view.innerHTML = `<section class="card"><h2>最近走访</h2><ul class="list">${data.items.map((v) => `<li>
      <b>${esc(v.community_name)}</b><span class="tag ${v.location_check}">${CHECKS[v.location_check]}</span>
      <span class="tag ${v.standing}">${esc(v.standing_label)}</span>
      <div class="muted">${localTime(v.visited_at)} · ${PURPOSES[v.purpose]} · 接触 ${v.people_met} 人 · 注册 ${v.new_registrations} 人</div>
      <div>${esc(v.notes)}</div>
      ${editable(v) ? `<details><summary>更正</summary>
        <form data-edit="${v.id}">
          <label for="p${v.id}">接触人数</label><input id="p${v.id}" name="people_met" type="number" min="0" value="${v.people_met}">
          <label for="s${v.id}">现场注册人数</label><input id="s${v.id}" name="new_registrations" type="number" min="0" value="${v.new_registrations}">
          <label for="n${v.id}">备注</label><textarea id="n${v.id}" name="notes">${esc(v.notes)}</textarea>
          <button class="wide" type="submit">保存更正</button></form></details>
        <button class="secondary" data-problem="${v.id}">由此记录问题</button>` : ""}
    </li>`).join("") || '<li class="muted">还没有走访记录</li>'}</ul></section>`;
  view.querySelectorAll("[data-edit]").forEach((form) => form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const f = new FormData(form);
    try {
      await api(`/api/v1/visits/${form.dataset.edit}`, { method: "PATCH", body: { people_met: Number(f.get("people_met")), new_registrations: Number(f.get("new_registrations")), notes: f.get("notes") } });
      toast("已保存更正"); render();
    } catch (error) { toast(error.message); }
  }));
  view.querySelectorAll("[data-problem]").forEach((b) => b.addEventListener("click", () => { sessionStorage.setItem("fromVisit", b.dataset.problem); location.hash = "#problems"; }));
}

async function renderProblems() {
  const [open, progress] = await Promise.all([api("/api/v1/problems?status=open&per_page=100"), api("/api/v1/problems?status=in_progress&per_page=100")]);
  const items = [...progress.items, ...open.items];
  const fromVisit = sessionStorage.getItem("fromVisit");
  sessionStorage.removeItem("fromVisit");
  const canWrite = state.me.role !== "official";
  const communities = myCommunities.length || !canWrite ? myCommunities : await loadCommunities();
  view.innerHTML = `
    ${canWrite ? `<form class="card" id="new-problem" novalidate><h2>记录问题${fromVisit ? "（来自走访）" : ""}</h2>
      ${fromVisit ? "" : `<label for="pc">社区</label><select id="pc">${communities.map((c) => `<option value="${c.community_code}">${esc(c.community_name)}</option>`).join("")}</select>`}
      <label for="pt">问题</label><input id="pt" maxlength="200" required>
      <label for="pk">类别</label><select id="pk">${["账号注册", "实名认证", "功能使用", "议事协商", "信息发布", "其他"].map((c) => `<option>${c}</option>`).join("")}</select>
      <label for="pd">描述</label><textarea id="pd"></textarea>
      <button class="wide" type="submit">提交问题</button></form>` : ""}
    <section class="card"><h2>未解决的问题（${items.length}）</h2><ul class="list">${items.map((p) => `<li>
      <b>${esc(p.title)}</b><span class="tag">${PROBLEM_STATUS[p.status]}</span>
      <div class="muted">${esc(p.community_name)} · ${esc(p.category)} · ${localTime(p.created_at)}</div>
      ${canWrite ? `<div class="row">${p.status === "open" ? `<button class="secondary" data-move="${p.id}" data-to="in_progress">开始处理</button>` : ""}
        <button class="secondary" data-move="${p.id}" data-to="resolved">标记已解决</button></div>` : ""}
    </li>`).join("") || '<li class="muted">没有未解决的问题</li>'}</ul></section>`;
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

function lineChart(points, target, projected) {
  const width = 640, height = 240, pad = 36;
  if (!points.length) return '<p class="muted">暂无数据</p>';
  const max = Math.max(target, ...points.map((p) => p.verified)) * 1.05;
  const x = (i) => pad + (i * (width - 2 * pad)) / Math.max(points.length - 1, 1);
  const y = (v) => height - pad - (v / max) * (height - 2 * pad);
  const line = points.map((p, i) => `${i ? "L" : "M"}${x(i).toFixed(1)},${y(p.verified).toFixed(1)}`).join("");
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="实名认证用户数走势">
    <line x1="${pad}" x2="${width - pad}" y1="${y(target)}" y2="${y(target)}" stroke="#b00020" stroke-dasharray="6 4"/>
    <text x="${width - pad}" y="${y(target) - 6}" text-anchor="end" font-size="12" fill="#b00020">目标 ${num(target)}</text>
    <path d="${line}" fill="none" stroke="#2f5597" stroke-width="2.5"/>
    <text x="${pad}" y="${height - 10}" font-size="12" fill="#666">${points[0].date}</text>
    <text x="${width - pad}" y="${height - 10}" font-size="12" fill="#666" text-anchor="end">${points[points.length - 1].date}</text>
    <text x="${pad}" y="16" font-size="12" fill="#666">${projected ? `按近 4 周速度预计 ${projected} 达标` : "按近 4 周速度无法预计达标日期"}</text>
  </svg>`;
}

async function renderOverview() {
  const [board, series, targets] = await Promise.all([
    api("/api/v1/dashboard/users"), api("/api/v1/dashboard/users/series?step=week"), api("/api/v1/targets")]);
  view.innerHTML = `
    <section class="card"><h2>实名认证用户数</h2>
      <div class="big" id="verified">${num(board.verified)}</div>
      <div class="muted">目标 <span id="target">${num(board.target)}</span> · 完成 ${pct(board.progress)} · 注册用户 ${num(board.registered)}</div>
      <div class="progress" aria-label="完成进度"><div id="board-progress"></div></div>
      <div class="muted">近一周 +${num(board.growth_1w)} · 近四周 +${num(board.growth_4w)} · 合同期内每周还需 ${board.needed_weekly === null ? "—" : num(board.needed_weekly)}</div>
      ${lineChart(series.items, board.target, board.projected_date)}
    </section>
    <section class="card"><h2>各街道（点击查看社区）</h2><table id="streets"><thead><tr><th>街道</th><th>实名用户</th><th>近一周</th><th>占全区</th><th>完成率</th></tr></thead><tbody>
      ${board.streets.map((s) => `<tr class="street" data-street="${s.code}"><td>${esc(s.name)}</td><td>${num(s.verified)}</td><td>+${num(s.growth_1w)}</td><td>${pct(s.share)}</td><td>${pct(s.progress)}</td></tr>
        ${s.communities.map((c) => `<tr class="sub" data-of="${s.code}" hidden><td>${c.rank}. ${esc(c.name)}</td><td>${num(c.verified)}</td><td>+${num(c.growth_1w)}</td><td></td><td></td></tr>`).join("")}`).join("")}
    </tbody></table></section>
    <section class="card"><h2>合同目标（截至 ${targets.as_of}）</h2><table id="targets"><thead><tr><th>目标</th><th>完成</th><th>目标值</th><th>状态</th></tr></thead><tbody>
      ${targets.items.map((t) => `<tr data-key="${t.key}"><td>${esc(t.name)}${t.missing && t.missing.length ? `<div class="muted">尚未培训：${t.missing.map((m) => esc(m.name)).join("、")}</div>` : ""}</td>
        <td>${num(t.actual)}</td><td>${num(t.target)}</td><td><span class="tag ${t.status}" data-status="${t.status}">${TARGET_STATUS[t.status]}</span></td></tr>`).join("")}
    </tbody></table></section>
    ${weeklySection()}`;
  // The policy refuses style attributes in markup; widths are set through the DOM instead.
  $("#board-progress").style.width = `${Math.min(100, (board.progress || 0) * 100)}%`;
  view.querySelectorAll("tr.street").forEach((row) => row.addEventListener("click", () => {
    view.querySelectorAll(`tr[data-of="${row.dataset.street}"]`).forEach((sub) => { sub.hidden = !sub.hidden; });
  }));
  wireWeeklySection();
}

// ---------------------------------------------------------------- weekly spreadsheets
// A week's full set is made by the job queue's consumers (admins ask for it); the page shows
// whether it is made, follows one being made every 2 s, and downloads the stored files.

const WEEK_POLL_MS = 2000;
const WEEK_FILES = { "district.xlsx": (week) => [`/api/v1/reports/weekly/${week}/district.xlsx`, `${week}_全区汇总.xlsx`],
  zip: (week) => [`/api/v1/reports/weekly/${week}.zip`, `${week}.zip`] };
// What is being watched: the week, its last status, and a generation that changes whenever the
// week or the screen changes, so that late answers and timers of the old one are dropped.
const weekWatch = { generation: 0, timer: null, week: null, status: null };

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

function weeklySection() {
  const now = shanghaiToday();
  const lastWeek = isoWeek(new Date(now.getTime() - 7 * 864e5));
  return `<section class="card" id="weekly"><h2>每周运营数据报表</h2>
      <label for="week">周次</label><input id="week" type="week" value="${lastWeek}" max="${isoWeek(now)}">
      <p id="week-status" class="week-status" role="status" aria-live="polite">正在查询…</p>
      <div class="progress" id="week-progress" role="progressbar" aria-label="生成进度" hidden><div></div></div>
      <p id="week-note" class="muted" hidden></p>
      <p id="week-stale" class="warning" hidden>本周数据在生成后有变动，建议重新生成</p>
      <div class="row spaced"><button class="secondary" data-file="district.xlsx" disabled>全区汇总</button><button class="secondary" data-file="zip" disabled>全部（压缩包）</button></div>
      ${state.me.role === "admin" ? '<button id="make-week" class="wide" type="button" hidden>生成本周报表</button>' : ""}
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
    status = await api(`/api/v1/reports/weekly/${week}`);
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
  weekWatch.status = status;
  showWeek(status);
  if (status.active) weekWatch.timer = setTimeout(() => loadWeek(week, generation), WEEK_POLL_MS);
}

function watchWeek(week) {
  stopWeekWatch();
  weekWatch.week = week;
  if (!/^\d{4}-W\d{2}$/.test(week)) { showWeekPending("请选择周次"); return; }
  showWeekPending("正在查询…");
  loadWeek(week, weekWatch.generation);
}

function wireWeeklySection() {
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
  $("#make-week")?.addEventListener("click", async (event) => {
    const week = weekWatch.week;
    const generation = weekWatch.generation;
    event.target.disabled = true;
    try {
      const job = await api(`/api/v1/reports/weekly/${week}/runs`, { method: "POST" });
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
render().then(() => { if (navigator.onLine) syncQueue(); });
