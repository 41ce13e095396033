// 走访审核: the visits that do not count yet (far, stale, without a fix) and await an admin's
// decision, oldest first; approve, or reject with a reason the liaison will read, one by one
// or several at once (POST /api/v1/visits/reviews: all of them or none).
const { drawMap, metresOutside, streets } = await import(`./map.js${new URL(import.meta.url).search}`);

const PER_PAGE = 20;
const QUEUE_CHECKS = { far: "距离过远", stale: "定位过旧", unknown: "无定位" };
const ACTIONS = { create: "提交", update: "更正", review: "审核", delete: "删除" };
const REVIEWS = { pending: "待审核", approved: "已通过", rejected: "未通过" };
// What the page shows, kept while the admin moves between tabs.
const filters = { state: "awaiting", street: "", username: "", check: "", page: 1 };
// The queue, or the decisions already taken (to look one up again, or to change it).
const STATES = {
  awaiting: { label: "待审核", query: { standing: "awaiting_review", order: "oldest" }, order: "最早的在前", empty: "没有待审核的走访" },
  approved: { label: "已通过", query: { review: "approved", order: "newest" }, order: "最新的在前", empty: "没有已通过的走访" },
  rejected: { label: "未通过", query: { review: "rejected", order: "newest" }, order: "最新的在前", empty: "没有未通过的走访" },
};
let choices = null; // streets and liaisons for the filters, read once
let renders = 0; // only the latest rendering asked for draws (filters change quickly)

async function loadChoices(api) {
  if (!choices) {
    const [streetPage, liaisons] = await Promise.all([
      api("/api/v1/streets?per_page=500"), api("/api/v1/users?role=liaison&per_page=500")]);
    choices = { streets: streetPage.items, liaisons: liaisons.items };
  }
  return choices;
}

function queueUrl() {
  const query = new URLSearchParams({ ...STATES[filters.state].query, per_page: PER_PAGE, page: filters.page });
  if (filters.street) query.set("street_code", filters.street);
  if (filters.username) query.set("username", filters.username);
  if (filters.check) query.set("location_check", filters.check);
  return `/api/v1/visits?${query}`;
}

const metres = (m) => (m == null ? "—" : m >= 1000 ? `${(m / 1000).toFixed(2)} 公里` : `${Math.round(m)} 米`);

function fixAge(v) {
  if (!v.fix_at) return "";
  const minutes = Math.round((new Date(v.visited_at) - new Date(v.fix_at)) / 60000);
  return minutes > 0 ? `（早于走访 ${minutes} 分钟）` : "";
}

function distanceText(v, area) {
  if (v.distance_m == null) return "无定位";
  if (v.location_basis === "community") return `距社区位置点 ${metres(v.distance_m)}（判定半径 ${v.community_radius_m} 米）`;
  // Without a community point the fix is judged against the street's boundary.
  const outside = area && v.latitude != null ? metresOutside(area.rings, v.latitude, v.longitude) : null;
  const edge = outside == null ? "" : outside > 0 ? `，在街道边界外 ${metres(outside)}` : "，在街道边界内";
  return `距街道中心 ${metres(v.distance_m)}${edge}（社区尚无位置点）`;
}

function item(kit, v, streetNames, areas) {
  const { esc, localTime, PURPOSES, CHECKS } = kit;
  return `<li class="review-item" data-visit="${v.id}">
    <div class="review-map" data-map="${v.id}"></div>
    <div class="review-body">
      <div class="review-head">
        <input type="checkbox" data-pick="${v.id}" id="pick-${v.id}" aria-label="选择走访 ${v.id}">
        <label for="pick-${v.id}" class="inline"><b>${esc(v.community_name)}</b></label>
        <span class="muted">${esc(streetNames[v.street_code] || v.street_code)}</span>
        <span class="tag ${v.location_check}">${esc(CHECKS[v.location_check])}</span>
        <span class="muted">编号 ${v.id}</span>
      </div>
      ${v.review_status === "pending" ? "" : `<p class="review-decision ${v.review_status}">${esc(REVIEWS[v.review_status])}${v.review_reason ? `：${esc(v.review_reason)}` : ""}</p>`}
      <dl class="review-facts">
        <dt>联络员</dt><dd>${esc(v.liaison)}（${esc(v.username)}）</dd>
        <dt>走访时间</dt><dd>${esc(localTime(v.visited_at))}</dd>
        <dt>走访目的</dt><dd>${esc(PURPOSES[v.purpose] || v.purpose)}</dd>
        <dt>距离</dt><dd>${esc(distanceText(v, areas[v.street_code]))}</dd>
        <dt>定位精度</dt><dd>${v.accuracy_m == null ? "—" : `${Math.round(v.accuracy_m)} 米`}</dd>
        <dt>定位时间</dt><dd>${v.fix_at ? esc(localTime(v.fix_at) + fixAge(v)) : "—"}</dd>
        <dt>接触 / 注册</dt><dd>${v.people_met} 人 / ${v.new_registrations} 人</dd>
        <dt>备注</dt><dd class="notes">${esc(v.notes) || "—"}</dd>
      </dl>
      <div class="review-decide">
        <label for="reason-${v.id}">驳回原因</label>
        <input id="reason-${v.id}" data-reason="${v.id}" maxlength="1000" placeholder="驳回时必填，联络员可以看到">
        <div class="review-buttons">
          ${v.review_status === "approved" ? "" : `<button type="button" data-approve="${v.id}">通过</button>`}
          <button type="button" class="danger" data-reject="${v.id}">驳回</button>
          <button type="button" class="secondary" data-history="${v.id}" aria-expanded="false">查看历史</button>
        </div>
        <p class="error" data-error="${v.id}" hidden></p>
      </div>
      <div class="review-history" data-history-of="${v.id}" hidden></div>
    </div>
  </li>`;
}

function historyText(kit, entries) {
  const { esc, localTime, FIELD_LABELS, CHECKS } = kit;
  const value = (field, x) => (x == null || x === "" ? "空" : field === "review_status" ? REVIEWS[x] || x
    : field === "location_check" ? CHECKS[x] || x : x);
  const label = (field) => ({ review_status: "审核结果", review_reason: "原因", location_check: "位置检查", user_id: "联络员", location_basis: "位置依据", distance_m: "距离" })[field] || FIELD_LABELS[field] || field;
  return `<h3>历史</h3><ol class="list">${entries.map((h) => {
    const changes = h.action === "create" ? "" : Object.entries(h.changes || {})
      .map(([field, [before, after]]) => `${esc(label(field))}：${esc(value(field, before))} → ${esc(value(field, after))}`).join("；");
    return `<li><b>${esc(ACTIONS[h.action] || h.action)}</b> · ${esc(localTime(h.at))} · ${esc(h.actor || "系统")}${changes ? `<div class="muted">${changes}</div>` : ""}</li>`;
  }).join("")}</ol>`;
}

export const page = {
  key: "review",
  label: "走访审核",
  async render(kit) {
    const { view, api, toast, esc, num } = kit;
    const ticket = ++renders;
    const [{ streets: streetList, liaisons }, data, areas] = await Promise.all([loadChoices(api), api(queueUrl()), streets(api)]);
    if (ticket !== renders || location.hash !== "#review") return; // asked again, or left
    const streetNames = Object.fromEntries(streetList.map((s) => [s.code, s.name]));
    const pages = Math.max(1, Math.ceil(data.total / PER_PAGE));
    if (filters.page > pages) { filters.page = pages; return page.render(kit); }
    const option = (value, text, current) => `<option value="${esc(value)}" ${value === current ? "selected" : ""}>${esc(text)}</option>`;
    view.innerHTML = `<section class="card review-page" id="review">
      <h2>走访审核</h2>
      <p class="muted">位置距离过远、定位过旧或没有定位的走访，审核通过后才计入合同；驳回须填写原因，联络员在“最近走访”中可以看到。</p>
      <div class="console-filters">
        <div><label for="rf-state">审核状态</label><select id="rf-state">${Object.entries(STATES).map(([k, t]) => option(k, t.label, filters.state)).join("")}</select></div>
        <div><label for="rf-street">街道</label><select id="rf-street">${option("", "全部街道", filters.street)}${streetList.map((s) => option(s.code, s.name, filters.street)).join("")}</select></div>
        <div><label for="rf-user">联络员</label><select id="rf-user">${option("", "全部联络员", filters.username)}${liaisons.map((u) => option(u.username, `${u.display_name}（${u.username}）`, filters.username)).join("")}</select></div>
        <div><label for="rf-check">位置检查</label><select id="rf-check">${option("", "全部", filters.check)}${Object.entries(QUEUE_CHECKS).map(([k, t]) => option(k, t, filters.check)).join("")}</select></div>
      </div>
      <p id="review-count" class="review-count">${STATES[filters.state].label} ${num(data.total)} 条（${STATES[filters.state].order}）</p>
      ${data.total ? `<div class="review-batch" id="review-batch">
        <div class="review-batch-pick"><input type="checkbox" id="review-all"><label for="review-all" class="inline">全选本页</label>
          <span id="review-selected" class="muted">已选 0 条</span></div>
        <div class="review-batch-reason"><label for="batch-reason">批量驳回原因</label><input id="batch-reason" maxlength="1000" placeholder="驳回所选时必填"></div>
        <div class="review-buttons"><button type="button" id="batch-approve" disabled>通过所选</button>
          <button type="button" class="danger" id="batch-reject" disabled>驳回所选</button></div>
        <p class="error" id="batch-error" hidden></p>
      </div>` : ""}
      <ul class="review-list">${data.items.map((v) => item(kit, v, streetNames, areas)).join("") || `<li class="muted">${STATES[filters.state].empty}</li>`}</ul>
      ${pages > 1 ? `<nav class="pager"><button type="button" class="secondary" id="review-prev" ${filters.page <= 1 ? "disabled" : ""}>上一页</button>
        <span>第 ${filters.page} / ${pages} 页</span>
        <button type="button" class="secondary" id="review-next" ${filters.page >= pages ? "disabled" : ""}>下一页</button></nav>` : ""}
    </section>`;

    for (const v of data.items) {
      const area = areas[v.street_code];
      const map = drawMap({
        rings: area ? area.rings : [], width: 300, height: 220,
        community: v.community_latitude != null ? { lat: v.community_latitude, lon: v.community_longitude, radius_m: v.community_radius_m } : null,
        fix: v.latitude != null ? { lat: v.latitude, lon: v.longitude, accuracy_m: v.accuracy_m } : null,
        title: `${v.community_name}：${area ? area.name : ""}边界${v.latitude != null ? "与走访定位" : "（无定位）"}`,
      });
      view.querySelector(`[data-map="${v.id}"]`).append(map);
    }

    const refilter = (key, value) => { filters[key] = value; filters.page = 1; page.render(kit); };
    view.querySelector("#rf-state").addEventListener("change", (e) => refilter("state", e.target.value));
    view.querySelector("#rf-street").addEventListener("change", (e) => refilter("street", e.target.value));
    view.querySelector("#rf-user").addEventListener("change", (e) => refilter("username", e.target.value));
    view.querySelector("#rf-check").addEventListener("change", (e) => refilter("check", e.target.value));
    view.querySelector("#review-prev")?.addEventListener("click", () => { filters.page -= 1; page.render(kit); });
    view.querySelector("#review-next")?.addEventListener("click", () => { filters.page += 1; page.render(kit); });

    const picks = [...view.querySelectorAll("[data-pick]")];
    const picked = () => picks.filter((p) => p.checked).map((p) => Number(p.dataset.pick));
    const showPicked = () => {
      const n = picked().length;
      const counter = view.querySelector("#review-selected");
      if (!counter) return;
      counter.textContent = `已选 ${n} 条`;
      view.querySelector("#batch-approve").disabled = !n;
      view.querySelector("#batch-reject").disabled = !n;
      const all = view.querySelector("#review-all");
      all.checked = n > 0 && n === picks.length; all.indeterminate = n > 0 && n < picks.length;
    };
    picks.forEach((p) => p.addEventListener("change", showPicked));
    view.querySelector("#review-all")?.addEventListener("change", (e) => { picks.forEach((p) => { p.checked = e.target.checked; }); showPicked(); });

    const decide = async (ids, status, reason, errorBox, buttons) => {
      errorBox.hidden = true;
      if (status === "rejected" && !reason.trim()) {
        errorBox.textContent = "驳回时必须填写原因"; errorBox.hidden = false; return;
      }
      buttons.forEach((b) => { b.disabled = true; });
      try {
        // The reason field is the rejection's: an approval goes without it.
        const body = { visit_ids: ids, status, ...(status === "rejected" ? { reason: reason.trim() } : {}) };
        const result = await api("/api/v1/visits/reviews", { method: "POST", body });
        toast(`${status === "approved" ? "已通过" : "已驳回"} ${result.reviewed} 条走访`);
        await page.render(kit);
      } catch (error) {
        // A refused batch names the visit at fault by its place in the message (第 n 条).
        const json = error.body && error.body.errors && error.body.errors.json;
        errorBox.textContent = json && json.visit_ids && error.body.message ? error.body.message : error.message;
        errorBox.hidden = false;
        buttons.forEach((b) => { b.disabled = false; });
        showPicked();
      }
    };
    view.querySelectorAll("[data-approve], [data-reject]").forEach((button) => button.addEventListener("click", () => {
      const id = Number(button.dataset.approve || button.dataset.reject);
      const li = button.closest("li");
      decide([id], button.dataset.approve ? "approved" : "rejected", li.querySelector("[data-reason]").value,
        li.querySelector("[data-error]"), [...li.querySelectorAll(".review-buttons button:not([data-history])")]);
    }));
    const batchButtons = () => [view.querySelector("#batch-approve"), view.querySelector("#batch-reject")];
    view.querySelector("#batch-approve")?.addEventListener("click", () => decide(picked(), "approved", view.querySelector("#batch-reason").value, view.querySelector("#batch-error"), batchButtons()));
    view.querySelector("#batch-reject")?.addEventListener("click", () => decide(picked(), "rejected", view.querySelector("#batch-reason").value, view.querySelector("#batch-error"), batchButtons()));

    view.querySelectorAll("[data-history]").forEach((button) => button.addEventListener("click", async () => {
      const box = view.querySelector(`[data-history-of="${button.dataset.history}"]`);
      if (!box.hidden) { box.hidden = true; button.setAttribute("aria-expanded", "false"); button.textContent = "查看历史"; return; }
      try {
        box.innerHTML = historyText(kit, await api(`/api/v1/visits/${button.dataset.history}/history`));
        box.hidden = false; button.setAttribute("aria-expanded", "true"); button.textContent = "收起历史";
      } catch (error) { toast(error.message); }
    }));
  },
};
