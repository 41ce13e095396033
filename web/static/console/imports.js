// 用户数导入: the platform's export (xlsx/csv) with its date — first a preview (the dry run:
// rows read, communities matched, totals, the largest changes, every refused row and why),
// then 确认导入 stores it; the history of imports, each with its detail.
const { clearErrors, showErrors } = await import(`./common_a.js${new URL(import.meta.url).search}`);

const LARGEST = 15; // changes listed in the preview

const SOURCES = { file: "文件", api: "接口", cli: "命令行", demo: "演示数据" };

export const page = {
  key: "imports",
  label: "用户数导入",
  async render(kit) {
    const { view, esc, num } = kit;
    view.innerHTML = `
      <section class="card" id="import">
        <h2>导入平台用户数</h2>
        <form id="import-form" class="console-form" novalidate>
          <div class="console-grid">
            <div><label for="im-file">平台导出文件（.xlsx 或 .csv）</label><input id="im-file" name="file" type="file" accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"></div>
            <div><label for="im-date">统计日期（文件中写明时可不填）</label><input id="im-date" name="date" type="date"></div>
          </div>
          <p class="form-error error" hidden></p>
          <button type="submit" id="preview-button">预览</button>
        </form>
        <div id="preview" hidden></div>
      </section>
      <section class="card" id="import-history">
        <h2>导入记录</h2>
        <div class="scroll"><table class="console-table" id="import-list"><thead><tr>
          <th>导入时间</th><th>操作人</th><th>文件</th><th>统计日期</th><th>社区数</th><th>注册用户</th><th>实名用户</th><th>跳过行</th><th></th></tr></thead><tbody></tbody></table></div>
        <div id="import-detail" hidden></div>
      </section>`;
    const form = view.querySelector("#import-form");
    const preview = view.querySelector("#preview");
    const detail = view.querySelector("#import-detail");
    let chosen = null; // the file and date the preview was made from

    const send = (dryRun) => {
      const body = new FormData();
      body.append("file", chosen.file, chosen.file.name);
      if (chosen.date) body.append("date", chosen.date);
      body.append("dry_run", dryRun ? "true" : "false");
      body.append("skip_refused", "true");
      return kit.api("/api/v1/user-counts/import", { method: "POST", body, timeout: 60000 });
    };

    const refusedTable = (rows, total) => rows.length ? `
      <h3 id="refused-title">有误的行（${num(total)} 行，不会导入）</h3>
      <div class="scroll"><table class="console-table refused"><thead><tr><th>行号</th><th>列</th><th>原因</th></tr></thead><tbody>
      ${rows.map((r) => `<tr class="refused-row"><td>第 ${r.row ?? "—"} 行</td><td>${esc(r.column || "—")}</td><td>${esc(r.reason)}</td></tr>`).join("")}
      </tbody></table></div>${total > rows.length ? `<p class="muted">只列出前 ${rows.length} 条。</p>` : ""}` : '<p class="muted">没有有误的行。</p>';

    const showPreview = (result) => {
      const largest = result.differences.slice(0, LARGEST);
      preview.innerHTML = `
        <h3>预览（尚未导入）</h3>
        <dl class="figures" id="preview-figures">
          <div><dt>统计日期</dt><dd data-figure="date">${esc(result.date)}</dd></div>
          <div><dt>读取行数</dt><dd data-figure="rows">${num(result.rows)}</dd></div>
          <div><dt>匹配社区</dt><dd data-figure="communities">${num(result.communities)}</dd></div>
          <div><dt>注册用户合计</dt><dd data-figure="registered">${num(result.registered)}</dd></div>
          <div><dt>实名用户合计</dt><dd data-figure="verified">${num(result.verified)}</dd></div>
          <div><dt>有误的行</dt><dd data-figure="refused" class="${result.refused_rows ? "bad" : ""}">${num(result.refused_rows)}</dd></div>
        </dl>
        ${refusedTable(result.refused, result.refused_rows)}
        <h3>与已有数据相比变化最大的社区</h3>
        ${largest.length ? `<div class="scroll"><table class="console-table changes"><thead><tr><th>社区</th><th>注册用户</th><th>实名用户</th><th>实名变化</th></tr></thead><tbody>
          ${largest.map((d) => `<tr><td>${esc(d.community_name)}</td><td>${num(d.registered_before)} → ${num(d.registered)}</td><td>${num(d.verified_before)} → ${num(d.verified)}</td><td>${d.verified >= d.verified_before ? "+" : ""}${num(d.verified - d.verified_before)}</td></tr>`).join("")}
          </tbody></table></div>${result.differences.length > LARGEST ? `<p class="muted">共 ${num(result.differences.length)} 个社区有变化，列出变化最大的 ${LARGEST} 个。</p>` : ""}`
          : '<p class="muted">与已有数据相同，没有变化。</p>'}
        ${result.refused_rows ? '<p class="warning">确认后只导入没有错误的行；有误的行请在文件中改正后再导入。</p>' : ""}
        <div class="row console-actions"><button type="button" id="confirm-import">确认导入</button><button type="button" class="secondary" id="cancel-import">取消</button></div>`;
      preview.hidden = false;
      preview.querySelector("#cancel-import").addEventListener("click", () => { preview.hidden = true; chosen = null; });
      preview.querySelector("#confirm-import").addEventListener("click", async (event) => {
        event.target.disabled = true;
        try {
          const stored = await send(false);
          preview.hidden = true; chosen = null; form.reset();
          kit.toast(`已导入 ${stored.communities} 个社区的用户数（${stored.date}）`);
          await loadHistory();
          await showDetail(stored.import_id);
        } catch (error) { event.target.disabled = false; showErrors(form, error, kit); }
      });
    };

    const showDetail = async (id) => {
      const data = await kit.api(`/api/v1/user-counts/imports/${id}`);
      const r = data.record;
      detail.innerHTML = `
        <h3>导入详情：${esc(r.filename || SOURCES[r.source] || r.source)}</h3>
        <p class="muted">${esc(r.display_name || r.username || "系统")} 于 ${esc(kit.localTime(r.at))} 导入，统计日期 ${esc(r.date)}；
          ${num(r.rows)} 个社区，注册用户 ${num(r.registered)}，实名用户 ${num(r.verified)}。</p>
        ${r.refused_rows ? refusedTable(data.refusals, r.refused_rows) : ""}
        <div class="scroll"><table class="console-table detail-counts"><thead><tr><th>社区</th><th>街道</th><th>注册用户</th><th>实名用户</th></tr></thead><tbody>
        ${data.counts.map((c) => `<tr><td>${esc(c.community_name)}</td><td>${esc(c.street_name)}</td><td>${num(c.registered)}</td><td>${num(c.verified)}</td></tr>`).join("")
          || '<tr><td colspan="4" class="muted">这次导入的数据已被同一日期的后一次导入替换</td></tr>'}
        </tbody></table></div>
        <button type="button" class="secondary" id="close-detail">收起</button>`;
      detail.hidden = false;
      detail.querySelector("#close-detail").addEventListener("click", () => { detail.hidden = true; });
    };

    const loadHistory = async () => {
      const data = await kit.api("/api/v1/user-counts/imports?per_page=100");
      view.querySelector("#import-list tbody").innerHTML = data.items.map((r) => `<tr data-import="${r.id}">
        <td>${esc(kit.localTime(r.at))}</td><td>${esc(r.display_name || r.username || "系统")}</td>
        <td>${esc(r.filename || SOURCES[r.source] || r.source)}</td><td>${esc(r.date)}</td><td>${num(r.rows)}</td>
        <td>${num(r.registered)}</td><td>${num(r.verified)}</td><td class="${r.refused_rows ? "bad" : ""}">${num(r.refused_rows)}</td>
        <td><button type="button" class="secondary small" data-act="detail">详情</button></td></tr>`).join("")
        || '<tr><td colspan="9" class="muted">还没有导入记录</td></tr>';
      view.querySelectorAll("#import-list [data-act=detail]").forEach((button) => button.addEventListener("click",
        () => showDetail(button.closest("tr").dataset.import).catch((error) => kit.toast(error.message))));
    };

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(form);
      const file = form.querySelector("#im-file").files[0];
      if (!file) { showErrors(form, { body: { errors: { files: { file: ["请选择要导入的文件"] } } } }, kit); return; }
      chosen = { file, date: form.querySelector("#im-date").value };
      preview.hidden = true;
      const button = form.querySelector("#preview-button");
      button.disabled = true;
      try { showPreview(await send(true)); } catch (error) { chosen = null; showErrors(form, error, kit); } finally { button.disabled = false; }
    });
    await loadHistory();
  },
};
