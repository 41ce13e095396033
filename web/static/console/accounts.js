// 账号: the accounts of the team — search, open one with a one-time password shown once,
// disable or enable, reset a password, change the role.
// The helpers at the same version as this page (the console's digest in the address).
const { ROLES, clearErrors, formValues, newestOnly, options, showErrors } = await import(`./common_a.js${new URL(import.meta.url).search}`);

const placesText = (user, esc) => user.community_name ? esc(user.community_name) : (user.places || []).map((p) => esc(p.community_name || p.street_name)).join("、") || "—";

export const page = {
  key: "accounts",
  label: "账号",
  async render(kit) {
    const { view, esc } = kit;
    // The districts an official may be scoped to (none chosen: the whole city).
    const districts = (await kit.api("/api/v1/districts?per_page=100")).items;
    const districtName = new Map(districts.map((d) => [d.code, d.name]));
    view.innerHTML = `
      <section class="card" id="accounts">
        <div class="row spaced console-head"><h2>账号</h2><div class="row"><button type="button" id="new-account">新建账号</button><button type="button" class="secondary" id="bulk-community">批量导入社区账号</button></div></div>
        <form id="bulk-form" class="console-form" novalidate hidden>
          <h3>批量导入社区账号</h3>
          <p class="muted">Excel（.xlsx）或 CSV，列：社区（或社区编码）、姓名、手机，可选用户名（默认用手机号）、邮箱。先预检，无误后再导入；有一行出错则整个文件都不导入。</p>
          <label for="bulk-file">文件</label><input id="bulk-file" name="file" type="file" accept=".xlsx,.csv">
          <p class="form-error error" hidden></p>
          <div id="bulk-result"></div>
          <div class="row console-actions"><button type="button" id="bulk-check">预检</button><button type="button" id="bulk-import" disabled>导入</button><button type="button" class="secondary" id="bulk-cancel">取消</button></div>
        </form>
        <div id="issued" class="issued" role="status" hidden></div>
        <form id="account-form" class="console-form" novalidate hidden>
          <h3>新建账号</h3>
          <div class="console-grid">
            <div><label for="acc-username">用户名</label><input id="acc-username" name="username" autocomplete="off" required></div>
            <div><label for="acc-display">姓名</label><input id="acc-display" name="display_name" required></div>
            <div><label for="acc-phone">电话</label><input id="acc-phone" name="phone" inputmode="tel"></div>
            <div><label for="acc-role">角色</label><select id="acc-role" name="role">${options(Object.entries(ROLES), "liaison")}</select></div>
            <div><label for="acc-community">所属社区编码（社区账号必填）</label><input id="acc-community" name="community_code" inputmode="numeric" autocomplete="off"></div>
            <div id="acc-district-field" hidden><label for="acc-district">所属区（区、街道账号；不选则看全市）</label><select id="acc-district" name="district_code">${options([["", "全市"], ...districts.map((d) => [d.code, esc(d.name)])])}</select></div>
            <div><label for="acc-email">电子邮箱（可不填）</label><input id="acc-email" name="email" type="email" autocomplete="off"></div>
            <div><label for="acc-password">初始密码（可不填，由系统生成）</label><input id="acc-password" name="password" type="text" autocomplete="off" spellcheck="false"></div>
          </div>
          <p class="muted">初始密码只显示一次；对方首次登录后须设置自己的新密码。</p>
          <p class="form-error error" hidden></p>
          <div class="row console-actions"><button type="submit">创建账号</button><button type="button" class="secondary" id="cancel-account">取消</button></div>
        </form>
        <form id="account-search" class="console-filters" role="search">
          <div><label for="acc-q">搜索</label><input id="acc-q" name="q" type="search" placeholder="用户名、姓名或电话"></div>
          <div><label for="acc-filter-role">按角色</label><select id="acc-filter-role" name="role">${options([["", "全部"], ...Object.entries(ROLES)])}</select></div>
          <div><label for="acc-filter-active">按状态</label><select id="acc-filter-active" name="active">${options([["", "全部"], ["true", "启用"], ["false", "已停用"]])}</select></div>
        </form>
        <p class="muted" id="account-total"></p>
        <div class="scroll"><table id="account-list" class="console-table"><thead><tr>
          <th>用户名</th><th>姓名</th><th>角色</th><th>电话</th><th>街道 / 社区（今天）</th><th>状态</th><th>最近登录</th><th>操作</th>
        </tr></thead><tbody></tbody></table></div>
      </section>`;
    const form = view.querySelector("#account-form");
    // Only an official is scoped to a district: the field shows for that role alone.
    const roleChoice = form.querySelector("#acc-role");
    const showDistrict = () => {
      const field = form.querySelector("#acc-district-field");
      field.hidden = roleChoice.value !== "official";
      if (field.hidden) form.querySelector("#acc-district").value = "";
    };
    roleChoice.addEventListener("change", showDistrict);
    showDistrict();
    const search = view.querySelector("#account-search");
    const issued = view.querySelector("#issued");
    const body = view.querySelector("#account-list tbody");

    const showIssued = (user, password, what) => {
      issued.innerHTML = `<p><strong>${esc(user.display_name)}（${esc(user.username)}）</strong>${what}：</p>
        <p class="password" id="one-time-password">${esc(password)}</p>
        <p class="muted">只显示这一次，请现在告诉对方；对方登录后须立即设置新密码。</p>
        <button type="button" class="secondary" id="issued-done">我已记下</button>`;
      issued.hidden = false;
      issued.querySelector("#issued-done").addEventListener("click", () => { issued.hidden = true; issued.innerHTML = ""; });
    };

    const fetchUsers = newestOnly((query) => kit.api(`/api/v1/users?${query}`));
    const load = async () => {
      const query = new URLSearchParams({ per_page: "500" });
      for (const [key, value] of Object.entries(formValues(search))) query.set(key, value);
      const data = await fetchUsers(query);
      if (!data) return;
      view.querySelector("#account-total").textContent = `共 ${data.total} 个账号`;
      body.innerHTML = data.items.map((u) => `<tr data-user="${u.id}" data-username="${esc(u.username)}">
        <td>${esc(u.username)}</td><td>${esc(u.display_name)}</td>
        <td><select name="role" aria-label="${esc(u.display_name)}的角色">${options(Object.entries(ROLES), u.role)}</select></td>
        <td>${esc(u.phone || "—")}</td><td class="places">${u.role === "official" ? (u.district_code ? esc(districtName.get(u.district_code) || u.district_code) : "全市") : placesText(u, esc)}</td>
        <td><span class="tag ${u.active ? "ok" : "off"}">${u.active ? "启用" : "已停用"}</span>${u.must_change_password ? '<span class="tag">待设新密码</span>' : ""}</td>
        <td>${u.last_login_at ? esc(kit.localTime(u.last_login_at)) : "从未登录"}</td>
        <td class="actions"><span name="active"></span><span name="password"></span>
          <button type="button" class="secondary small" data-act="active">${u.active ? "停用" : "启用"}</button>
          <button type="button" class="secondary small" data-act="reset">重置密码</button></td></tr>`).join("")
        || '<tr><td colspan="8" class="muted">没有符合条件的账号</td></tr>';
      body.querySelectorAll("tr[data-user]").forEach((row) => {
        const user = data.items.find((u) => String(u.id) === row.dataset.user);
        const roleSelect = row.querySelector('select[name="role"]');
        roleSelect.addEventListener("change", async () => {
          const role = roleSelect.value;
          if (!window.confirm(`把 ${user.display_name} 的角色改为“${ROLES[role]}”吗？`)) { roleSelect.value = user.role; return; }
          try {
            await kit.api(`/api/v1/users/${user.id}`, { method: "PATCH", body: { role } });
            kit.toast(`已把 ${user.display_name} 改为${ROLES[role]}`);
            await load();
          } catch (error) { roleSelect.value = user.role; showErrors(row, error, kit); }
        });
        row.querySelector('[data-act="active"]').addEventListener("click", async () => {
          const active = !user.active;
          if (!active && !window.confirm(`停用 ${user.display_name} 的账号吗？对方将立即退出登录。`)) return;
          try {
            await kit.api(`/api/v1/users/${user.id}`, { method: "PATCH", body: { active } });
            kit.toast(active ? `已启用 ${user.display_name}` : `已停用 ${user.display_name}`);
            await load();
          } catch (error) { showErrors(row, error, kit); }
        });
        row.querySelector('[data-act="reset"]').addEventListener("click", async () => {
          if (!window.confirm(`重置 ${user.display_name} 的密码吗？对方当前的登录将失效。`)) return;
          try {
            const answer = await kit.api(`/api/v1/users/${user.id}/password-reset`, { method: "POST" });
            await load();
            showIssued(answer, answer.one_time_password, " 的一次性密码");
          } catch (error) { showErrors(row, error, kit); }
        });
      });
    };

    view.querySelector("#new-account").addEventListener("click", () => { form.hidden = false; form.querySelector("input").focus(); });
    view.querySelector("#cancel-account").addEventListener("click", () => { form.hidden = true; form.reset(); clearErrors(form); });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const values = formValues(form);
      try {
        const user = await kit.api("/api/v1/users", { method: "POST", body: values });
        form.reset(); form.hidden = true; clearErrors(form);
        await load();
        showIssued(user, user.one_time_password || values.password, " 的账号已创建，初始密码");
      } catch (error) { showErrors(form, error, kit); }
    });
    const bulk = view.querySelector("#bulk-form");
    const bulkResult = bulk.querySelector("#bulk-result");
    const bulkImport = bulk.querySelector("#bulk-import");
    const accountsTable = (accounts, withPassword) => `<div class="scroll"><table class="console-table" id="bulk-accounts"><thead><tr>
        <th>行</th><th>用户名</th><th>姓名</th><th>社区</th><th>手机</th><th>邮箱</th>${withPassword ? "<th>一次性密码</th>" : ""}</tr></thead><tbody>
        ${accounts.map((a) => `<tr><td>${a.row}</td><td>${esc(a.username)}</td><td>${esc(a.display_name)}</td><td>${esc(a.community_name)}</td><td>${esc(a.phone || "—")}</td><td>${esc(a.email || "—")}</td>${withPassword ? `<td class="password">${esc(a.one_time_password)}</td>` : ""}</tr>`).join("")}</tbody></table></div>`;
    const send = async (dryRun) => {
      const file = bulk.querySelector("#bulk-file").files[0];
      clearErrors(bulk); bulkResult.innerHTML = "";
      if (!file) { showErrors(bulk, { body: { errors: { json: { file: ["请选择文件"] } } }, message: "请选择文件" }, kit); return; }
      const data = new FormData();
      data.append("file", file); data.append("dry_run", dryRun ? "true" : "false");
      try {
        const answer = await kit.api("/api/v1/users/community-import", { method: "POST", body: data, timeout: 120000 });
        if (dryRun) {
          bulkResult.innerHTML = `<p id="bulk-summary">预检通过：将创建 ${answer.accounts.length} 个社区账号。</p>${accountsTable(answer.accounts, false)}`;
          bulkImport.disabled = false;
        } else {
          bulkResult.innerHTML = `<p id="bulk-summary">已创建 ${answer.accounts.length} 个社区账号。一次性密码只显示这一次，请现在分别告诉对方；对方首次登录后须设置新密码。</p>${accountsTable(answer.accounts, true)}`;
          bulkImport.disabled = true;
          await load();
        }
      } catch (error) {
        bulkImport.disabled = true;
        const rows = error.body && error.body.errors && error.body.errors.files && error.body.errors.files.rows;
        if (rows) {
          bulkResult.innerHTML = `<p class="error" id="bulk-summary">${esc(error.message)}</p><ul class="error" id="bulk-errors">${rows.map((r) => `<li>${r.row ? `第 ${r.row} 行` : ""}${r.column ? ` ${esc(r.column)}` : ""}：${esc(r.reason)}</li>`).join("")}</ul>`;
        } else showErrors(bulk, error, kit);
      }
    };
    view.querySelector("#bulk-community").addEventListener("click", () => { bulk.hidden = false; });
    bulk.querySelector("#bulk-cancel").addEventListener("click", () => { bulk.hidden = true; bulk.reset(); bulkResult.innerHTML = ""; clearErrors(bulk); bulkImport.disabled = true; });
    bulk.querySelector("#bulk-file").addEventListener("change", () => { bulkImport.disabled = true; bulkResult.innerHTML = ""; });
    bulk.querySelector("#bulk-check").addEventListener("click", () => send(true));
    bulkImport.addEventListener("click", () => send(false));
    let timer;
    search.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(() => load().catch((e) => kit.toast(e.message)), 250); });
    search.addEventListener("submit", (event) => { event.preventDefault(); load(); });
    await load();
  },
};
