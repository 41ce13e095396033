// 联络员分工: who covers which street or community from when to when; a handover in one step;
// the district's 15 streets with their liaisons and the communities nobody covers today.
const { clearErrors, formValues, newestOnly, options, showErrors } = await import(`./common_a.js${new URL(import.meta.url).search}`);

export const page = {
  key: "assignments",
  label: "联络员分工",
  async render(kit) {
    const { view, esc } = kit;
    const [district, liaisonPage] = await Promise.all([
      kit.api("/api/v1/assignments/district"), kit.api("/api/v1/users?role=liaison&active=true&per_page=500")]);
    const liaisons = liaisonPage.items;
    const liaisonOptions = (blank) => options([["", blank], ...liaisons.map((u) => [esc(u.username), `${esc(u.display_name)}（${esc(u.username)}）`])]);
    const streetOptions = options([["", "请选择街道"], ...district.streets.map((s) => [s.code, esc(s.name)])]);
    view.innerHTML = `
      <section class="card" id="assign">
        <h2>新增分工</h2>
        <form id="assign-form" class="console-form" novalidate>
          <div class="console-grid">
            <div><label for="as-user">联络员</label><select id="as-user" name="username">${liaisonOptions("请选择联络员")}</select></div>
            <div><label for="as-street">街道</label><select id="as-street" name="street_code">${streetOptions}</select></div>
            <div><label for="as-community">社区</label><select id="as-community" name="community_code"><option value="">整个街道</option></select></div>
            <div><label for="as-start">开始日期</label><input id="as-start" name="start_date" type="date" value="${kit.today()}"></div>
            <div><label for="as-end">结束日期（可不填）</label><input id="as-end" name="end_date" type="date"></div>
          </div>
          <p class="form-error error" hidden></p>
          <button type="submit">保存分工</button>
        </form>
      </section>
      <section class="card" id="assignments">
        <h2>分工记录</h2>
        <form id="assign-filters" class="console-filters">
          <div><label for="af-user">联络员</label><select id="af-user" name="username">${liaisonOptions("全部")}</select></div>
          <div><label for="af-street">街道</label><select id="af-street" name="street_code">${options([["", "全部"], ...district.streets.map((s) => [s.code, esc(s.name)])])}</select></div>
          <div><label for="af-active">范围</label><select id="af-active" name="active">${options([["true", "今天在岗"], ["", "全部（含已结束）"]], "true")}</select></div>
        </form>
        <div class="scroll"><table id="assignment-list" class="console-table"><thead><tr>
          <th>联络员</th><th>街道 / 社区</th><th>开始</th><th>结束</th><th>状态</th><th>操作</th></tr></thead><tbody></tbody></table></div>
      </section>
      <section class="card" id="district-cover">
        <h2>全区分工（${esc(district.date)}）</h2>
        <div id="cover-body"></div>
      </section>`;
    const form = view.querySelector("#assign-form");
    const street = form.querySelector("#as-street");
    const community = form.querySelector("#as-community");
    street.addEventListener("change", () => {
      const chosen = district.streets.find((s) => s.code === street.value);
      community.innerHTML = options([["", "整个街道"], ...(chosen ? chosen.communities.map((c) => [c.code, esc(c.name)]) : [])]);
    });

    const drawCover = (cover) => {
      view.querySelector("#district-cover h2").textContent = `全区分工（${cover.date}）`;
      view.querySelector("#cover-body").innerHTML = `
        <p class="${cover.uncovered ? "warning" : "muted"}" id="uncovered-total">${cover.uncovered ? `今天有 ${cover.uncovered} 个社区无人负责（标红）` : "今天每个社区都有联络员负责"}</p>
        <div class="scroll"><table class="console-table cover"><thead><tr><th>街道</th><th>街道联络员</th><th>无人负责</th><th>社区</th></tr></thead><tbody>
        ${cover.streets.map((s) => `<tr data-street="${s.code}"><td>${esc(s.name)}</td>
          <td>${s.liaisons.map((l) => esc(l.display_name)).join("、") || '<span class="muted">—</span>'}</td>
          <td class="${s.uncovered ? "bad" : ""}">${s.uncovered}</td>
          <td class="communities">${s.communities.map((c) => `<span class="community${c.covered ? "" : " uncovered"}" data-community="${c.code}" title="${c.covered ? "负责人：" + esc([...s.liaisons, ...c.liaisons].map((l) => l.display_name).join("、")) : "无人负责"}">${esc(c.name.replace(/社区居委会$|居委会$/, ""))}${c.liaisons.length ? `（${c.liaisons.map((l) => esc(l.display_name)).join("、")}）` : ""}</span>`).join("")}</td></tr>`).join("")}
        </tbody></table></div>`;
    };

    const filters = view.querySelector("#assign-filters");
    const list = view.querySelector("#assignment-list tbody");
    const fetchAssignments = newestOnly((query) => kit.api(`/api/v1/assignments?${query}`));
    const load = async () => {
      const query = new URLSearchParams({ per_page: "500", ...formValues(filters) });
      const data = await fetchAssignments(query);
      if (!data) return;
      list.innerHTML = data.items.map((a) => `<tr data-assignment="${a.id}">
        <td>${esc(a.display_name)}<div class="muted">${esc(a.username)}</div></td>
        <td>${a.community_code ? `${esc(a.community_name)}<div class="muted">社区</div>` : `${esc(a.street_name)}<div class="muted">整个街道</div>`}</td>
        <td>${esc(a.start_date)}</td><td>${esc(a.end_date || "—")}</td>
        <td><span class="tag ${a.active ? "ok" : ""}">${a.active ? "在岗" : a.start_date > kit.today() ? "未开始" : "已结束"}</span></td>
        <td class="actions">${a.end_date && a.end_date < kit.today() ? "" : `<button type="button" class="secondary small" data-act="handover">交接</button>
          <button type="button" class="secondary small" data-act="end">结束</button>`}</td></tr>
        <tr class="handover-row" data-for="${a.id}" hidden><td colspan="6">
          <form class="handover console-filters" novalidate>
            <div><label for="ho-user-${a.id}">接手的联络员</label><select id="ho-user-${a.id}" name="username">${liaisonOptions("请选择")}</select></div>
            <div><label for="ho-day-${a.id}">${esc(a.display_name)}的最后一天</label><input id="ho-day-${a.id}" name="last_day" type="date" value="${kit.today()}"></div>
            <div class="handover-buttons"><button type="submit">确认交接</button> <button type="button" class="secondary" data-act="cancel">取消</button></div>
            <p class="form-error error" hidden></p>
          </form></td></tr>`).join("") || '<tr><td colspan="6" class="muted">没有分工记录</td></tr>';
      list.querySelectorAll("tr[data-assignment]").forEach((row) => {
        const id = row.dataset.assignment;
        const panel = list.querySelector(`tr[data-for="${id}"]`);
        const button = row.querySelector('[data-act="handover"]');
        if (!button) return;
        button.addEventListener("click", () => { panel.hidden = false; });
        row.querySelector('[data-act="end"]').addEventListener("click", async () => {
          if (!window.confirm("结束这项分工吗？从今天起不再生效（记录保留）。")) return;
          try {
            await kit.api(`/api/v1/assignments/${id}`, { method: "DELETE" });
            kit.toast("分工已结束");
            await refresh();
          } catch (error) { kit.toast(error.message); }
        });
        const handover = panel.querySelector("form");
        handover.querySelector('[data-act="cancel"]').addEventListener("click", () => { panel.hidden = true; clearErrors(handover); });
        handover.addEventListener("submit", async (event) => {
          event.preventDefault();
          try {
            const done = await kit.api(`/api/v1/assignments/${id}/handover`, { method: "POST", body: formValues(handover) });
            kit.toast(`已交接：${done.started.display_name} 自 ${done.started.start_date} 起负责`);
            await refresh();
          } catch (error) { showErrors(handover, error, kit); }
        });
      });
    };
    const fetchCover = newestOnly(() => kit.api("/api/v1/assignments/district"));
    const refresh = async () => {
      const [cover] = await Promise.all([fetchCover(), load()]);
      if (cover) drawCover(cover);
    };
    filters.addEventListener("change", () => load().catch((error) => kit.toast(error.message)));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const values = formValues(form);
      if (!values.street_code) { showErrors(form, { body: { errors: { json: { street_code: ["请选择街道（可再选其中一个社区）"] } } } }, kit); return; }
      if (values.community_code) delete values.street_code;
      try {
        await kit.api("/api/v1/assignments", { method: "POST", body: values });
        clearErrors(form);
        kit.toast("分工已保存");
        form.querySelector("#as-end").value = "";
        await refresh();
      } catch (error) { showErrors(form, error, kit); }
    });
    drawCover(district);
    await load();
  },
};
