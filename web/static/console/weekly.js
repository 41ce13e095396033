// 周报: every week of the contract with its set's status (one request), generate or regenerate
// a week, and the overview's own weekly section for the chosen week's downloads and progress.
// The helpers at this module's own version (its address's query), so that a changed helper is
// fetched anew with the pages.
const { districtPlaces } = await import(`./common_c.js${new URL(import.meta.url).search}`);

const STATUS = { not_started: "未开始", none: "尚未生成", queued: "排队中", running: "生成中", failed: "生成失败", done: "已生成", stale: "需重新生成", archived: "已交付（文件未保留）" };
const POLL_MS = 3000;
const DISTRICT_KEY = "weeklyDistrict";
let timer = null;
let renders = 0; // a late answer or timer of an earlier render of the page is dropped

const monthDay = (iso) => `${Number(iso.slice(5, 7))}月${Number(iso.slice(8, 10))}日`;

export const page = {
  key: "weekly",
  label: "周报",
  async render(kit) {
    clearTimeout(timer);
    const generation = ++renders;
    const { view, api, esc } = kit;
    const [districts, places] = await Promise.all([api("/api/v1/districts?per_page=100"), districtPlaces(api)]);
    // Several districts held: a set is one district's, chosen here (the first by default).
    const several = districts.items.length > 1;
    const kept = sessionStorage.getItem(DISTRICT_KEY);
    const district = !several ? "" : districts.items.some((d) => d.code === kept) ? kept : districts.items[0].code;
    const scope = (separator) => (district ? `${separator}district=${district}` : "");
    const weeks = await api(`/api/v1/reports/weekly/weeks${scope("?")}`);
    if (generation !== renders) return;
    const streets = district ? places.streets.filter((s) => s.district === district) : places.streets;
    const counts = {};
    for (const w of weeks.items) counts[w.status] = (counts[w.status] || 0) + 1;
    view.innerHTML = `
      ${several ? `<section class="card"><label for="weekly-district">区</label><select id="weekly-district">
        ${districts.items.map((d) => `<option value="${esc(d.code)}"${d.code === district ? " selected" : ""}>${esc(d.name)}</option>`).join("")}</select></section>` : ""}
      <section class="card" id="weeks-card" data-district="${esc(district)}"><h2>合同期各周周报（${esc(weeks.contract.start)} 至 ${esc(weeks.contract.end)}，共 ${weeks.items.length} 周）</h2>
        <p class="muted" id="weeks-summary">${Object.entries(STATUS).filter(([k]) => counts[k]).map(([k, l]) => `${l} ${counts[k]} 周`).join(" · ")}</p>
        <div class="scroll weeks-scroll"><table id="weeks" class="records"><thead><tr><th>周次</th><th>日期</th><th>状态</th><th>生成时间</th><th>操作</th></tr></thead><tbody></tbody></table></div>
      </section>
      ${kit.weekly.section(weeks.contract, streets)}`;
    kit.weekly.wire(streets, district);
    view.querySelector("#weekly-district")?.addEventListener("change", (event) => {
      sessionStorage.setItem(DISTRICT_KEY, event.target.value);
      page.render(kit);
    });
    const picker = view.querySelector("#week");

    const fill = (items) => {
      view.querySelector("#weeks tbody").innerHTML = [...items].reverse().map((w) => {
        const job = w.active || w.last;
        const when = w.latest && w.latest.finished_at ? kit.localTime(w.latest.finished_at) : "";
        return `<tr data-week="${w.week}" data-status="${w.status}" class="${picker.value === w.week ? "picked-row" : ""}">
          <td>${w.week}</td><td>${monthDay(w.start)}–${monthDay(w.end)}</td>
          <td><span class="tag week-${w.status}">${STATUS[w.status] || esc(w.status)}</span>${w.status === "failed" && job && job.error ? `<div class="muted">${esc(job.error)}</div>` : ""}
            ${w.active && w.active.progress_total ? `<div class="muted">${w.active.progress_done} / ${w.active.progress_total}</div>` : ""}</td>
          <td>${esc(when)}</td>
          <td class="actions">${w.started ? `<button type="button" class="secondary" data-show="${w.week}">查看与下载</button>
            <button type="button" data-make="${w.week}"${w.active ? " disabled" : ""}>${w.sets ? "重新生成" : "生成"}</button>` : ""}</td></tr>`;
      }).join("");
      view.querySelectorAll("[data-show]").forEach((b) => b.addEventListener("click", () => show(b.dataset.show)));
      view.querySelectorAll("[data-make]").forEach((b) => b.addEventListener("click", () => make(b)));
      clearTimeout(timer);
      if (items.some((w) => w.active)) timer = setTimeout(refresh, POLL_MS);
    };
    const table = view.querySelector("#weeks");
    const current = () => generation === renders && document.contains(table);
    const refresh = async () => {
      if (!current()) return;
      let items;
      try { items = (await api(`/api/v1/reports/weekly/weeks${scope("?")}`)).items; } catch {
        if (current()) timer = setTimeout(refresh, POLL_MS);
        return;
      }
      if (current()) fill(items);
    };
    // The chosen week goes to the section below, which follows its set and downloads its files.
    const show = (week) => {
      if (![...picker.options].some((o) => o.value === week)) return;
      picker.value = week;
      picker.dispatchEvent(new Event("change"));
      view.querySelectorAll("#weeks tr[data-week]").forEach((r) => r.classList.toggle("picked-row", r.dataset.week === week));
      view.querySelector("#weekly").scrollIntoView({ block: "start" });
    };
    const make = async (button) => {
      const week = button.dataset.make;
      button.disabled = true;
      try {
        await api(`/api/v1/reports/weekly/${week}/runs${scope("?")}`, { method: "POST" });
        kit.toast(`已开始生成 ${week} 的周报`);
        show(week);
        await refresh();
      } catch (error) { button.disabled = false; kit.toast(error.message); }
    };
    picker.addEventListener("change", () => {
      view.querySelectorAll("#weeks tr[data-week]").forEach((r) => r.classList.toggle("picked-row", r.dataset.week === picker.value));
    });
    // A set asked for in the section below shows in the list too.
    view.querySelector("#make-week")?.addEventListener("click", () => { clearTimeout(timer); timer = setTimeout(refresh, 800); });
    fill(weeks.items);
  },
};
