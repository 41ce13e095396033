// 合同目标: the contract's targets with progress and pace; an admin changes a target's value
// with a required reason (kept in its history) and loads a contract file.
// The helpers at this module's own version (its address's query), so that a changed helper is
// fetched anew with the pages.
const { clearFieldErrors, historyHtml, setWidths, showFieldErrors } = await import(`./common_c.js${new URL(import.meta.url).search}`);

const MEASURES = { count: "累计数量", cumulative_sum: "累计总量", every_street: "每个街道至少一次", monthly_average: "月均",
  share_of_weeks: "按周提供比例", latest_value: "最新数值" };

let renders = 0; // an earlier render answered late draws nothing over a later one

export const page = {
  key: "targets",
  label: "合同目标",
  async render(kit) {
    const { view, api, esc } = kit;
    const generation = ++renders;
    const [report, contract] = await Promise.all([api("/api/v1/targets"), api("/api/v1/contracts/current")]);
    if (generation !== renders) return;
    const ended = kit.today() > report.contract.end;
    view.innerHTML = `
      <section class="card" id="contract"><h2>当前合同</h2>
        <p><b id="contract-name">${esc(contract.name)}</b>${contract.client ? ` · ${esc(contract.client)}` : ""}</p>
        <p class="muted">合同期 <span id="contract-period">${esc(contract.start)} 至 ${esc(contract.end)}</span> · 编号 ${esc(contract.key)} · 共 ${contract.targets.length} 项目标</p>
        <form id="contract-upload" novalidate>
          <label for="contract-file">加载合同文件（YAML 或 JSON，加载后成为当前合同）</label>
          <input id="contract-file" name="file" type="file" accept=".yaml,.yml,.json,application/json,text/yaml">
          <p class="field-error" data-error-for="file" hidden></p>
          <p class="error form-error" hidden></p>
          <button type="submit">上传并加载</button>
        </form>
      </section>
      <section class="card"><h2>合同目标（截至 ${esc(report.as_of)}${ended ? "，合同期已结束" : ""}）</h2>
        <div class="scroll"><table id="target-table" class="records"><thead><tr><th>目标</th><th>计量方式</th><th>完成 / 目标值</th><th>完成率</th><th>按进度此时应达</th><th>状态</th><th>操作</th></tr></thead><tbody>
          ${report.items.map((t) => `<tr data-key="${esc(t.key)}">
            <td>${esc(t.name)}${t.missing && t.missing.length ? `<div class="muted">尚未培训：${t.missing.map((m) => esc(m.name)).join("、")}</div>` : ""}</td>
            <td>${esc(MEASURES[t.measure] || t.measure)}</td>
            <td><span class="actual">${kit.figure(t, t.actual)}</span> <span class="muted">/ <span class="target-value">${kit.figure(t, t.target)}</span></span></td>
            <td><div class="progress small"><div data-width="${(t.progress || 0) * 100}"></div></div>${kit.pct(t.progress)}</td>
            <td>${kit.figure(t, t.expected_by_now)}</td>
            <td><span class="tag ${t.status}">${kit.TARGET_STATUS[t.status]}</span></td>
            <td class="actions"><button type="button" class="secondary" data-change="${esc(t.key)}">修改目标值</button><button type="button" class="secondary" data-history="${esc(t.key)}">历史</button></td></tr>`).join("")}
        </tbody></table></div>
      </section>
      <section class="card" id="target-editor" hidden></section>
      <section class="card" id="target-history" hidden></section>`;
    setWidths(view);

    const byKey = new Map(report.items.map((t) => [t.key, t]));
    const editor = view.querySelector("#target-editor");
    const history = view.querySelector("#target-history");
    view.querySelectorAll("[data-change]").forEach((b) => b.addEventListener("click", () => {
      const t = byKey.get(b.dataset.change);
      history.hidden = true;
      editor.hidden = false;
      editor.innerHTML = `<h2>修改目标值：${esc(t.name)}</h2>
        <form id="target-form" novalidate>
          <p class="muted">当前目标值 ${kit.figure(t, t.target)}${t.measure === "share_of_weeks" ? "（以小数表示，1 即 100%）" : ""}</p>
          <div class="form-grid">
            <div class="field"><label for="target-value">新的目标值 *</label><input id="target-value" name="target" type="number" min="0" step="any" value="${esc(t.target)}" required><p class="field-error" data-error-for="target" hidden></p></div>
            <div class="field field-textarea"><label for="target-reason">修改原因 *</label><textarea id="target-reason" name="reason" rows="2" required placeholder="例如：根据补充协议调整"></textarea><p class="field-error" data-error-for="reason" hidden></p></div>
          </div>
          <p class="error form-error" hidden></p>
          <div class="row spaced"><button type="submit">保存</button><button type="button" class="secondary" id="target-cancel">取消</button></div>
        </form>`;
      const form = editor.querySelector("#target-form");
      editor.querySelector("#target-cancel").addEventListener("click", () => { editor.hidden = true; editor.innerHTML = ""; });
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        clearFieldErrors(form);
        const value = form.elements.target.value;
        const reason = form.elements.reason.value.trim();
        // Said here, in the same place the server would say it.
        const missing = {};
        if (value === "") missing.target = ["请填写新的目标值"];
        if (!reason) missing.reason = ["请填写修改原因"];
        if (Object.keys(missing).length) { showFieldErrors(kit, form, { body: { errors: { json: missing } } }); return; }
        try {
          await api(`/api/v1/targets/${encodeURIComponent(t.key)}`, { method: "PATCH", body: { target: Number(value), reason } });
          await page.render(kit);
          kit.toast(`已将“${t.name}”的目标值改为 ${value}`);
        } catch (error) {
          if (error instanceof kit.ApiError && error.status === 422) showFieldErrors(kit, form, error);
          else kit.toast(error.message);
        }
      });
      form.elements.target.focus();
    }));
    view.querySelectorAll("[data-history]").forEach((b) => b.addEventListener("click", async () => {
      const t = byKey.get(b.dataset.history);
      try {
        const entries = await api(`/api/v1/targets/${encodeURIComponent(t.key)}/history`);
        editor.hidden = true;
        history.hidden = false;
        history.innerHTML = `<h2>“${esc(t.name)}”目标值的修改历史</h2>${historyHtml(kit, entries, { target: "目标值" })}`;
      } catch (error) { kit.toast(error.message); }
    }));

    const upload = view.querySelector("#contract-upload");
    upload.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearFieldErrors(upload);
      const file = upload.elements.file.files[0];
      if (!file) { showFieldErrors(kit, upload, { body: { errors: { files: { file: ["请选择合同文件"] } } } }); return; }
      if (!window.confirm(`加载“${file.name}”后，它将成为当前合同（同一编号的合同及其目标会被替换）。确定加载吗？`)) return;
      const body = new FormData();
      body.append("file", file);
      const button = upload.querySelector("[type=submit]");
      button.disabled = true;
      try {
        const loaded = await api("/api/v1/contracts", { method: "POST", body });
        await page.render(kit);
        kit.toast(`已加载合同：${loaded.name}（${loaded.targets.length} 项目标）`);
      } catch (error) {
        button.disabled = false;
        if (error instanceof kit.ApiError && error.status === 422) showFieldErrors(kit, upload, error);
        else kit.toast(error.message);
      }
    });
  },
};
