// 推广工作登记: the eight kinds of promotion record, each a list filtered by street and month
// under the targets it feeds, with create, edit, delete and each record's history.
// The helpers at this module's own version (its address's query), so that a changed helper is
// fetched anew with the pages.
const { clearFieldErrors, districtPlaces, historyHtml, safeLink, setWidths, showFieldErrors } = await import(`./common_c.js${new URL(import.meta.url).search}`);

const CHANNELS = { wechat_group: "微信群", wecom_group: "企业微信群", qq_group: "QQ 群", other: "其他" };

// Each kind: its address, the targets' source it feeds, the field its month applies to, whether
// it has places (street filter), and its fields as the API takes them.
const KINDS = [
  { key: "trainings", label: "培训", source: "trainings", dateField: "date", places: true, fields: [
    { name: "date", label: "日期", type: "date", required: true },
    { name: "title", label: "标题", type: "text", required: true },
    { name: "trainer", label: "培训讲师", type: "text" },
    { name: "attendees", label: "参加人数", type: "int" },
    { name: "street_codes", label: "街道", type: "streets" },
    { name: "community_codes", label: "社区", type: "communities" }] },
  { key: "events", label: "线下推广活动", source: "events", dateField: "date", places: true, fields: [
    { name: "date", label: "日期", type: "date", required: true },
    { name: "title", label: "标题", type: "text", required: true },
    { name: "street_code", label: "街道", type: "street" },
    { name: "community_code", label: "社区", type: "community" },
    { name: "participants", label: "参与人数", type: "int" },
    { name: "signups_registered", label: "现场注册人数", type: "int" },
    { name: "signups_verified", label: "现场实名认证人数", type: "int" }] },
  { key: "service-groups", label: "在线服务群组", source: "service_groups", dateField: "created_on", places: true, fields: [
    { name: "name", label: "群组名称", type: "text", required: true },
    { name: "channel", label: "渠道", type: "channel", required: true },
    { name: "street_code", label: "街道", type: "street" },
    { name: "community_code", label: "社区", type: "community" },
    { name: "members", label: "成员数", type: "int" },
    { name: "created_on", label: "建群日期", type: "date", required: true },
    { name: "closed_on", label: "关闭日期", type: "date" }] },
  { key: "cases", label: "典型案例", source: "cases", dateField: "published_on", places: true, fields: [
    { name: "title", label: "标题", type: "text", required: true },
    { name: "community_code", label: "社区", type: "community", required: true },
    { name: "published_on", label: "发布日期", type: "date", required: true },
    { name: "url", label: "链接", type: "url" },
    { name: "summary", label: "摘要", type: "textarea" }] },
  { key: "topics", label: "专题", source: "topics", dateField: "month", places: false, fields: [
    { name: "month", label: "月份", type: "month", required: true },
    { name: "title", label: "标题", type: "text", required: true }] },
  { key: "articles", label: "公众号文章", source: "articles", dateField: "published_on", places: false, fields: [
    { name: "title", label: "标题", type: "text", required: true },
    { name: "published_on", label: "发布日期", type: "date", required: true },
    { name: "url", label: "链接", type: "url" },
    { name: "topic_id", label: "所属专题", type: "topic" }] },
  { key: "demo-communities", label: "示范社区", source: "demo_communities", dateField: "designated_on", places: true, fields: [
    { name: "community_code", label: "社区", type: "community", required: true },
    { name: "designated_on", label: "认定日期", type: "date", required: true },
    { name: "undesignated_on", label: "取消日期", type: "date" },
    { name: "note", label: "备注", type: "textarea" }] },
  { key: "interactions", label: "平台互动量", source: "interactions", dateField: "date", places: false, fields: [
    { name: "date", label: "日期", type: "date", required: true },
    { name: "views", label: "浏览量", type: "int", required: true },
    { name: "likes", label: "点赞数", type: "int", required: true },
    { name: "comments", label: "评论数", type: "int", required: true }] },
];
const NULLABLE = new Set(["street_code", "community_code", "closed_on", "undesignated_on", "topic_id"]);

// What stays while the admin moves between kinds (a fresh console starts at trainings).
const chosen = { kind: "trainings", street: "", month: "" };
let renders = 0; // an earlier render answered late draws nothing over a later one

function monthRange(month) {
  const [year, m] = month.split("-").map(Number);
  const last = new Date(Date.UTC(year, m, 0)).getUTCDate();
  return [`${month}-01`, `${month}-${String(last).padStart(2, "0")}`];
}

export const page = {
  key: "records",
  label: "推广工作登记",
  async render(kit) {
    const { view, api, esc } = kit;
    const generation = ++renders;
    const kind = KINDS.find((k) => k.key === chosen.kind) || KINDS[0];
    const params = new URLSearchParams({ per_page: "500" });
    if (chosen.month) { const [from, to] = monthRange(chosen.month); params.set("from", from); params.set("to", to); }
    if (chosen.street && kind.places) params.set("street_code", chosen.street);
    const [places, list, report, contract, topics] = await Promise.all([
      districtPlaces(api), api(`/api/v1/${kind.key}?${params}`), api("/api/v1/targets"),
      api("/api/v1/contracts/current"),
      kind.fields.some((f) => f.type === "topic") || kind.key === "articles" ? api("/api/v1/topics?per_page=500") : null]);
    if (generation !== renders) return;
    const topicTitle = new Map((topics ? topics.items : []).map((t) => [t.id, `${t.month} ${t.title}`]));
    const fed = new Set(contract.targets.filter((t) => t.source === kind.source).map((t) => t.key));
    const targets = report.items.filter((t) => fed.has(t.key));

    const placeText = (r) => {
      const names = [...(r.street_codes || (r.street_code ? [r.street_code] : [])).map((c) => places.streetName.get(c) || c),
        ...(r.community_codes || (r.community_code ? [r.community_code] : [])).map((c) => places.communityName.get(c) || c)];
      return names.length ? names.map(esc).join("、") : '<span class="muted">全区</span>';
    };
    const cell = (r, f) => {
      const v = r[f.name];
      if (f.type === "url") return safeLink(v, esc, v && v.length > 40 ? `${v.slice(0, 40)}…` : v);
      if (f.type === "int") return kit.num(v);
      if (f.type === "channel") return esc(CHANNELS[v] || v);
      if (f.type === "topic") return esc(v == null ? "" : topicTitle.get(v) || `#${v}`);
      if (f.type === "textarea") return `<span class="clip">${esc(v)}</span>`;
      return esc(v ?? "");
    };
    const columns = kind.fields.filter((f) => !["street_codes", "community_codes", "street_code", "community_code"].includes(f.name));
    const communityOptions = (selected, multiple) => places.streets.map((s) => `<optgroup label="${esc(s.name)}">${s.communities
      .map((c) => `<option value="${c.code}"${selected.includes(c.code) ? " selected" : ""}>${esc(c.name)}</option>`).join("")}</optgroup>`).join("");
    const streetOptions = (selected) => places.streets.map((s) => `<option value="${s.code}"${selected.includes(s.code) ? " selected" : ""}>${esc(s.name)}</option>`).join("");

    const input = (f, value) => {
      const id = `rec-${f.name}`;
      const req = f.required ? " required" : "";
      const v = value ?? "";
      let control;
      switch (f.type) {
        case "textarea": control = `<textarea id="${id}" name="${f.name}" rows="3"${req}>${esc(v)}</textarea>`; break;
        case "int": control = `<input id="${id}" name="${f.name}" type="number" min="0" step="1" inputmode="numeric" value="${esc(v)}"${req}>`; break;
        case "date": control = `<input id="${id}" name="${f.name}" type="date" value="${esc(v)}"${req}>`; break;
        case "month": control = `<input id="${id}" name="${f.name}" type="month" value="${esc(v)}"${req}>`; break;
        case "url": control = `<input id="${id}" name="${f.name}" type="url" placeholder="https://" value="${esc(v)}"${req}>`; break;
        case "channel": control = `<select id="${id}" name="${f.name}"${req}>${Object.entries(CHANNELS).map(([k, l]) => `<option value="${k}"${k === v ? " selected" : ""}>${l}</option>`).join("")}
            ${v && !CHANNELS[v] ? `<option value="${esc(v)}" selected>${esc(v)}</option>` : ""}</select>`; break;
        case "street": control = `<select id="${id}" name="${f.name}"><option value="">（不限街道）</option>${streetOptions([v])}</select>`; break;
        case "community": control = `<select id="${id}" name="${f.name}"${req}><option value="">${f.required ? "请选择社区" : "（不限社区）"}</option>${communityOptions([v])}</select>`; break;
        case "streets": control = `<select id="${id}" name="${f.name}" multiple size="5">${streetOptions(v || [])}</select>`; break;
        case "communities": control = `<select id="${id}" name="${f.name}" multiple size="6">${communityOptions(v || [], true)}</select>`; break;
        case "topic": control = `<select id="${id}" name="${f.name}"><option value="">（无）</option>${(topics ? topics.items : [])
          .map((t) => `<option value="${t.id}"${t.id === v ? " selected" : ""}>${esc(`${t.month} ${t.title}`)}</option>`).join("")}</select>`; break;
        default: control = `<input id="${id}" name="${f.name}" value="${esc(v)}"${req}>`;
      }
      const hint = f.type === "streets" || f.type === "communities" ? '<span class="muted">按住 Ctrl 可多选</span>' : "";
      return `<div class="field field-${f.type}"><label for="${id}">${esc(f.label)}${f.required ? " *" : ""} ${hint}</label>${control}<p class="field-error" data-error-for="${f.name}" hidden></p></div>`;
    };

    view.innerHTML = `
      <nav class="kinds" aria-label="记录类别">${KINDS.map((k) => `<button type="button" class="${k.key === kind.key ? "on" : "secondary"}" data-kind="${k.key}" aria-pressed="${k.key === kind.key}">${k.label}</button>`).join("")}</nav>
      <section class="card" id="record-targets"><h2>${esc(kind.label)}对应的合同目标</h2>
        ${targets.length ? `<div class="target-chips">${targets.map((t) => `<div class="target-chip" data-target="${esc(t.key)}">
            <div>${esc(t.name)}</div><div class="big-figure"><span class="actual">${kit.figure(t, t.actual)}</span> <span class="muted">/ ${kit.figure(t, t.target)}</span></div>
            <div class="progress"><div data-width="${(t.progress || 0) * 100}"></div></div>
            <div class="muted">完成 ${kit.pct(t.progress)} · 按进度此时应达 ${kit.figure(t, t.expected_by_now)} · <span class="tag ${t.status}">${kit.TARGET_STATUS[t.status]}</span></div></div>`).join("")}</div>`
          : '<p class="muted">当前合同没有以此类记录计量的目标</p>'}
      </section>
      <section class="card"><h2>${esc(kind.label)}</h2>
        <form class="filters" id="record-filters">
          ${kind.places ? `<div><label for="filter-street">街道</label><select id="filter-street"><option value="">全部街道</option>${streetOptions([chosen.street])}</select></div>` : '<div class="muted">全区范围的记录，不按街道筛选</div>'}
          <div><label for="filter-month">月份</label><input id="filter-month" type="month" value="${esc(chosen.month)}"></div>
          <div class="filter-actions"><button type="button" class="secondary" id="filter-clear">清除筛选</button><button type="button" id="record-new">新建${esc(kind.label)}</button></div>
        </form>
        <p class="muted" id="record-count">共 <b>${list.total}</b> 条${chosen.street || chosen.month ? "（已筛选）" : ""}${list.total > list.items.length ? `，显示最近 ${list.items.length} 条` : ""}</p>
        <div class="scroll"><table class="records" id="records"><thead><tr>${columns.map((f) => `<th>${esc(f.label)}</th>`).join("")}${kind.places ? "<th>地点</th>" : ""}<th>操作</th></tr></thead><tbody>
          ${list.items.map((r) => `<tr data-id="${r.id}">${columns.map((f) => `<td data-field="${f.name}">${cell(r, f)}</td>`).join("")}${kind.places ? `<td>${placeText(r)}</td>` : ""}
            <td class="actions"><button type="button" class="secondary" data-edit="${r.id}">编辑</button><button type="button" class="secondary" data-history="${r.id}">历史</button><button type="button" class="secondary danger" data-delete="${r.id}">删除</button></td></tr>`).join("")
            || `<tr><td colspan="${columns.length + 2}" class="muted">暂无记录</td></tr>`}
        </tbody></table></div>
      </section>
      <section class="card" id="record-editor" hidden></section>
      <section class="card" id="record-history" hidden></section>`;
    setWidths(view);

    const again = () => page.render(kit).catch((error) => kit.toast(error.message));
    // The kind already shown stays as it is: re-drawing it would throw away a form being filled.
    view.querySelectorAll("[data-kind]").forEach((b) => b.addEventListener("click", () => {
      if (b.dataset.kind === kind.key) return;
      chosen.kind = b.dataset.kind; again();
    }));
    view.querySelector("#filter-street")?.addEventListener("change", (e) => { chosen.street = e.target.value; again(); });
    view.querySelector("#filter-month").addEventListener("change", (e) => { chosen.month = e.target.value; again(); });
    view.querySelector("#filter-clear").addEventListener("click", () => { chosen.street = ""; chosen.month = ""; again(); });

    const byId = new Map(list.items.map((r) => [String(r.id), r]));
    const editor = view.querySelector("#record-editor");
    const openEditor = (record) => {
      view.querySelector("#record-history").hidden = true;
      editor.hidden = false;
      editor.innerHTML = `<h2>${record ? `编辑${esc(kind.label)}（#${record.id}）` : `新建${esc(kind.label)}`}</h2>
        <form id="record-form" novalidate><div class="form-grid">${kind.fields.map((f) => input(f, record ? record[f.name] : undefined)).join("")}</div>
          <p class="error form-error" hidden></p>
          <div class="row spaced"><button type="submit">${record ? "保存修改" : "保存"}</button><button type="button" class="secondary" id="record-cancel">取消</button></div></form>`;
      const form = editor.querySelector("#record-form");
      editor.querySelector("#record-cancel").addEventListener("click", () => { editor.hidden = true; editor.innerHTML = ""; });
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        clearFieldErrors(form);
        const body = {};
        for (const f of kind.fields) {
          const el = form.elements[f.name];
          let value;
          if (f.type === "streets" || f.type === "communities") value = [...el.selectedOptions].map((o) => o.value);
          else if (el.value === "") value = record && NULLABLE.has(f.name) ? null : record && ["text", "textarea", "url"].includes(f.type) ? "" : undefined;
          else if (f.type === "int" || f.type === "topic") value = Number(el.value);
          else value = el.value;
          if (value === undefined) continue;
          if (record && JSON.stringify(value) === JSON.stringify(record[f.name] ?? (Array.isArray(value) ? [] : null))) continue;
          if (!record && Array.isArray(value) && !value.length) continue;
          body[f.name] = value;
        }
        if (record && !Object.keys(body).length) { kit.toast("没有修改任何内容"); return; }
        const button = form.querySelector("[type=submit]");
        button.disabled = true;
        try {
          await api(record ? `/api/v1/${kind.key}/${record.id}` : `/api/v1/${kind.key}`, { method: record ? "PATCH" : "POST", body });
          await page.render(kit);
          kit.toast(record ? `已保存对${kind.label}的修改` : `已新建${kind.label}`);
        } catch (error) {
          button.disabled = false;
          if (error instanceof kit.ApiError && [409, 422].includes(error.status)) showFieldErrors(kit, form, error);
          else kit.toast(error.message);
        }
      });
      editor.scrollIntoView({ block: "nearest" });
      form.elements[kind.fields[0].name].focus();
    };
    view.querySelector("#record-new").addEventListener("click", () => openEditor(null));
    view.querySelectorAll("[data-edit]").forEach((b) => b.addEventListener("click", () => openEditor(byId.get(b.dataset.edit))));
    view.querySelectorAll("[data-delete]").forEach((b) => b.addEventListener("click", async () => {
      const record = byId.get(b.dataset.delete);
      const name = record.title || record.name || (record.community_code && places.communityName.get(record.community_code)) || record.date || `#${record.id}`;
      if (!window.confirm(`确定删除${kind.label}“${name}”吗？删除后不再计入目标，历史记录保留。`)) return;
      b.disabled = true;
      try {
        await api(`/api/v1/${kind.key}/${record.id}`, { method: "DELETE" });
        await page.render(kit);
        kit.toast(`已删除${kind.label}`);
      } catch (error) { b.disabled = false; kit.toast(error.message); }
    }));
    const labels = Object.fromEntries(kind.fields.map((f) => [f.name, f.label]));
    const format = (name, v) => {
      if (name.startsWith("street_code")) return (Array.isArray(v) ? v : [v]).map((c) => places.streetName.get(c) || c).join("、");
      if (name.startsWith("community_code")) return (Array.isArray(v) ? v : [v]).map((c) => places.communityName.get(c) || c).join("、");
      if (name === "channel") return CHANNELS[v] || v;
      if (name === "topic_id") return topicTitle.get(v) || `#${v}`;
      return Array.isArray(v) ? v.join("、") : v;
    };
    view.querySelectorAll("[data-history]").forEach((b) => b.addEventListener("click", async () => {
      const record = byId.get(b.dataset.history);
      const box = view.querySelector("#record-history");
      try {
        const entries = await api(`/api/v1/${kind.key}/${record.id}/history`);
        editor.hidden = true;
        box.hidden = false;
        box.innerHTML = `<h2>${esc(kind.label)}（#${record.id}）的修改历史</h2>${historyHtml(kit, entries, labels, format)}`;
        box.scrollIntoView({ block: "nearest" });
      } catch (error) { kit.toast(error.message); }
    }));
  },
};
