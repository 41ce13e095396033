// 留言与咨询 (#18): the duty queue of a content contract's messages — those whose platform
// window (WeChat's 48 hours) closes first on top, then by due time — each opened to its steps
// and the next ones the API allows (转办, 处室答复, 主管审核, 回复, a standard reply to start
// from), and a form to enter one by hand. Loaded by the shell for content accounts and,
// through the console's thin module, for admins. Every text of a person or of the API is
// written with textContent (DOM nodes), never as HTML.
const version = new URL(import.meta.url).search;
const { newestOnly, showErrors, clearErrors, formValues } = await import(`../console/common_a.js${version}`);

const stylesheet = document.createElement("link");
stylesheet.rel = "stylesheet";
stylesheet.href = `/static/content/messages.css${version}`;
document.head.append(stylesheet);

const PER_PAGE = 20;
const KINDS = { comment: "评论", private_message: "私信", inquiry: "咨询" };
const STATUSES = { new: "待处理", routed: "已转办", answered: "处室已答复", approved: "已审核", replied: "已回复" };
const STEPS = { enter: "登记", route: "转办业务处室", answer: "处室答复", approve: "主管审核", reply: "回复", breach: "超时" };
const SHORT_CHANNELS = { wechat: "微信", weibo: "微博", toutiao: "头条", beijing_hao: "北京号", baijiahao: "百家号" };

// What the page keeps between its renders: the contract, the filters, the page, the open one.
const chosen = { contract: null, status: "", kind: "", overdue: false, flagged: false, page: 1, open: null };
let renders = 0; // an earlier render answered late draws nothing over a later one
const fetchQueue = newestOnly((kit, url) => kit.api(url));

export const page = { key: "messages", label: "留言与咨询", render };
export default page;

// ---------------------------------------------------------------- DOM, text only

// An element with attributes (`on*` as listeners) and children (strings become text nodes).
function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value == null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "className") node.className = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children.flat().filter((c) => c != null && c !== false).map((c) => (c instanceof Node ? c : String(c))));
  return node;
}

const select = (attrs, pairs, current) => h("select", attrs,
  pairs.map(([value, label]) => { const o = h("option", { value }, label); o.selected = value === current; return o; }));

// The API's refusal, in its own Chinese: beside the field it names (422), else the sentence
// (a 403, or the 409 naming the missing step) in the form's error line.
function refuse(kit, form, error) {
  const box = form.querySelector(".form-error");
  if (error.status === 422) { showErrors(form, error, kit); return; }
  clearErrors(form);
  const said = error.body && error.body.message;
  box.textContent = error instanceof kit.NetworkError ? "网络不可用，请稍后再试" : /[\u4e00-\u9fa5]/.test(said || "") ? said : error.message;
  box.hidden = false;
}

const errorLine = () => h("p", { className: "error form-error", role: "alert", hidden: true });

// ---------------------------------------------------------------- the queue

function queueUrl() {
  const query = new URLSearchParams({ contract: chosen.contract, page: chosen.page, per_page: PER_PAGE });
  if (chosen.status) query.set("status", chosen.status);
  if (chosen.kind) query.set("kind", chosen.kind);
  if (chosen.overdue) query.set("overdue", "true");
  if (chosen.flagged) query.set("flagged", "true");
  return `/api/v1/messages?${query}`;
}

const channelName = (contract, key) => SHORT_CHANNELS[key] || ((contract.channels || []).find((c) => c.key === key) || {}).platform || key;

function queueItem(kit, contract, m, redraw) {
  const marks = [
    m.flagged ? h("span", { className: "tag flag", title: "平台回复窗口早于答复时限关闭" }, "48小时窗口") : null,
    m.overdue ? h("span", { className: "tag late" }, "已超时") : null,
    m.breached ? h("span", { className: "tag late" }, "超时回复") : null,
  ];
  const open = () => { chosen.open = m.id; redraw(); };
  return h("li", { className: `message${m.flagged ? " flagged" : ""}${m.overdue ? " past-due" : ""}${chosen.open === m.id ? " open" : ""}`, "data-message": m.id },
    h("button", { type: "button", className: "message-open", onclick: open, "aria-label": `打开留言 ${m.id}` },
      h("span", { className: "message-head" },
        h("time", { className: "received" }, kit.localTime(m.received_at)),
        h("span", { className: "channel" }, channelName(contract, m.channel)),
        h("span", { className: "tag kind" }, KINDS[m.kind] || m.kind),
        h("span", { className: "tag status" }, STATUSES[m.status] || m.status), marks),
      h("span", { className: "handle" }, m.handle),
      h("span", { className: "text" }, m.text),
      h("span", { className: "due" }, `答复时限 ${kit.localTime(m.due_at)}`,
        m.window_closes_at ? `　平台窗口关闭 ${kit.localTime(m.window_closes_at)}` : "")));
}

function pager(total, redraw) {
  const pages = Math.max(1, Math.ceil(total / PER_PAGE));
  if (pages <= 1) return null;
  const go = (n) => () => { chosen.page = n; redraw(); };
  return h("nav", { className: "pager" },
    h("button", { type: "button", className: "secondary", id: "messages-prev", disabled: chosen.page <= 1, onclick: go(chosen.page - 1) }, "上一页"),
    h("span", {}, `第 ${chosen.page} / ${pages} 页`),
    h("button", { type: "button", className: "secondary", id: "messages-next", disabled: chosen.page >= pages, onclick: go(chosen.page + 1) }, "下一页"));
}

// The filters in force, named after the count: "（已回复、仅超时）".
function filtersNamed() {
  const named = [STATUSES[chosen.status], KINDS[chosen.kind], chosen.overdue && "仅超时", chosen.flagged && "仅48小时窗口"].filter(Boolean);
  return named.length ? `（${named.join("、")}）` : "";
}

function filtersBox(contracts, redraw) {
  const refilter = (key) => (event) => {
    chosen[key] = event.target.type === "checkbox" ? event.target.checked : event.target.value;
    chosen.page = 1; redraw();
  };
  const check = (id, key, label) => h("label", { className: "check", for: id },
    Object.assign(h("input", { type: "checkbox", id, onchange: refilter(key) }), { checked: chosen[key] }), label);
  return h("div", { className: "message-filters" },
    contracts.length > 1 ? h("div", {}, h("label", { for: "mf-contract" }, "合同"),
      select({ id: "mf-contract", onchange: (e) => { chosen.contract = e.target.value; chosen.page = 1; chosen.open = null; redraw(); } },
        contracts.map((c) => [c.key, c.name]), chosen.contract)) : null,
    h("div", {}, h("label", { for: "mf-status" }, "状态"),
      select({ id: "mf-status", onchange: refilter("status") }, [["", "全部"], ...Object.entries(STATUSES)], chosen.status)),
    h("div", {}, h("label", { for: "mf-kind" }, "类型"),
      select({ id: "mf-kind", onchange: refilter("kind") }, [["", "全部"], ...Object.entries(KINDS)], chosen.kind)),
    check("mf-overdue", "overdue", "仅超时"), check("mf-flagged", "flagged", "仅48小时窗口"));
}

// ---------------------------------------------------------------- entering one by hand

const shanghaiNow = () => new Date().toLocaleString("sv-SE", { timeZone: "Asia/Shanghai", hour12: false }).slice(0, 16).replace(" ", "T");

function entryForm(kit, contract, redraw) {
  const form = h("form", { id: "message-entry", className: "card", novalidate: true, hidden: true },
    h("h3", {}, "登记留言"),
    h("label", { for: "me-channel" }, "渠道"),
    select({ id: "me-channel", name: "channel" }, (contract.channels || []).map((c) => [c.key, c.platform || c.key]), "wechat"),
    h("label", { for: "me-kind" }, "类型"),
    select({ id: "me-kind", name: "kind" }, Object.entries(KINDS), "comment"),
    h("label", { for: "me-received" }, "收到时间"),
    // Now, while the contract's term runs (a message outside it is refused).
    h("input", { id: "me-received", name: "received_at", type: "datetime-local",
      value: shanghaiNow().slice(0, 10) <= contract.end ? shanghaiNow() : "" }),
    h("label", { for: "me-handle" }, "用户"),
    h("input", { id: "me-handle", name: "handle", maxlength: 200 }),
    h("label", { for: "me-text" }, "内容"),
    h("textarea", { id: "me-text", name: "text", rows: 3, maxlength: 5000 }),
    errorLine(),
    h("button", { type: "submit" }, "登记"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { ...formValues(form), contract: contract.key };
    const button = form.querySelector("button"); button.disabled = true;
    try {
      const message = await kit.api("/api/v1/messages", { method: "POST", body });
      kit.toast(`已登记，答复时限 ${kit.localTime(message.due_at)}`);
      chosen.open = message.id;
      await redraw();
    } catch (error) { button.disabled = false; refuse(kit, form, error); }
  });
  return form;
}

// ---------------------------------------------------------------- one message, its steps

function eventLine(kit, e) {
  const said = e.details || {};
  const what = said.department && e.step === "route" ? `：${said.department}` : said.text ? `：${said.text}` : "";
  return h("li", { "data-step": e.step },
    h("b", {}, STEPS[e.step] || e.step), ` · ${kit.localTime(e.at)} · ${e.actor || "系统"}`,
    what ? h("div", { className: "muted event-text" }, what) : null);
}

// A standard reply (答复口径) chosen by category fills the text; the step names it while the
// text is still its wording (its use is counted).
function templatePicker(templates, textarea, id) {
  if (!templates.length) return null;
  const categories = [...new Set(templates.map((t) => t.category))];
  const pick = select({ id: `${id}-template`, "aria-label": "答复口径" }, [], "");
  const fill = (category) => {
    pick.replaceChildren(h("option", { value: "" }, "选择答复口径"),
      ...templates.filter((t) => t.category === category).map((t) => h("option", { value: t.id }, t.title)));
  };
  const category = select({ id: `${id}-category`, "aria-label": "口径分类", onchange: (e) => fill(e.target.value) },
    categories.map((c) => [c, c]), categories[0]);
  fill(categories[0]);
  pick.addEventListener("change", () => {
    const template = templates.find((t) => String(t.id) === pick.value);
    if (template) textarea.value = template.text;
  });
  const chosenTemplate = () => templates.find((t) => String(t.id) === pick.value && t.text === textarea.value);
  return { node: h("div", { className: "template-pick" }, h("span", { className: "muted" }, "从答复口径开始："), category, pick), chosenTemplate };
}

function stepForm(kit, m, step, templates, redraw) {
  const id = `step-${step}`;
  const fields = [];
  let textarea = null;
  let picker = null;
  if (step === "route") {
    fields.push(h("label", { for: `${id}-department` }, "业务处室"), h("input", { id: `${id}-department`, name: "department", maxlength: 100 }));
  } else {
    const start = step === "reply" ? m.approved_text || m.answer || "" : step === "approve" ? m.answer || "" : "";
    textarea = h("textarea", { id: `${id}-text`, name: "text", rows: 3, maxlength: 5000 });
    textarea.value = start;
    picker = templatePicker(templates, textarea, id);
    fields.push(h("label", { for: `${id}-text` }, step === "answer" ? "处室答复内容" : step === "approve" ? "审核通过的回复内容" : "回复内容"),
      picker ? picker.node : null, textarea);
  }
  const form = h("form", { className: "step-form", id, "data-step": step, novalidate: true },
    h("h4", {}, STEPS[step]), fields, errorLine(), h("button", { type: "submit" }, STEPS[step]));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = formValues(form);
    const template = picker && picker.chosenTemplate();
    if (template) body.template_id = template.id;
    const button = form.querySelector("button[type=submit]"); button.disabled = true;
    try {
      await kit.api(`/api/v1/messages/${m.id}/${step}`, { method: "POST", body });
      kit.toast(`已记录：${STEPS[step]}`);
      await redraw();
    } catch (error) { button.disabled = false; refuse(kit, form, error); } // what was typed stays
  });
  return form;
}

// The steps its kind still requires (from the API's missing_steps), then the reply.
const nextSteps = (m) => (m.status === "replied" ? [] : [...m.missing_steps, "reply"]);

async function detailBox(kit, contract, id, redraw) {
  const [m, templates] = await Promise.all([
    kit.api(`/api/v1/messages/${encodeURIComponent(id)}`),
    kit.api(`/api/v1/reply-templates?contract=${encodeURIComponent(contract.key)}&per_page=100`).then((t) => t.items).catch(() => []),
  ]);
  const facts = h("dl", { className: "message-facts" },
    h("dt", {}, "收到"), h("dd", {}, `${kit.localTime(m.received_at)} · ${channelName(contract, m.channel)} · ${KINDS[m.kind] || m.kind}`),
    h("dt", {}, "用户"), h("dd", { className: "handle" }, m.handle),
    h("dt", {}, "内容"), h("dd", { className: "text" }, m.text),
    h("dt", {}, "状态"), h("dd", { className: "status" }, STATUSES[m.status] || m.status, m.breached ? "（超时回复）" : ""),
    h("dt", {}, "答复时限"), h("dd", { className: m.overdue ? "overdue" : "" }, kit.localTime(m.due_at)),
    m.window_closes_at ? [h("dt", {}, "平台窗口"), h("dd", { className: m.flagged ? "overdue" : "" }, `${kit.localTime(m.window_closes_at)} 关闭`)] : null,
    m.department ? [h("dt", {}, "业务处室"), h("dd", {}, m.department)] : null,
    m.reply ? [h("dt", {}, "已回复"), h("dd", {}, `${kit.localTime(m.replied_at)}：`, m.reply)] : null);
  const steps = nextSteps(m);
  return h("section", { className: "card", id: "message-detail", "data-message": m.id },
    h("h3", {}, `留言 ${m.id}`), facts,
    h("h4", {}, "处理记录"), h("ol", { className: "list events" }, m.events.map((e) => eventLine(kit, e))),
    steps.length ? h("div", { className: "step-forms" },
      m.missing_steps.length ? h("p", { className: "muted" }, `回复前须完成：${m.missing_steps.map((s) => STEPS[s]).join("、")}`) : null,
      steps.map((step) => stepForm(kit, m, step, templates, redraw))) : null);
}

// ---------------------------------------------------------------- the page

async function messageContracts(kit) {
  const all = await kit.api("/api/v1/contracts");
  return all.filter((c) => (c.member_roles || []).length);
}

async function render(kit) {
  const generation = ++renders;
  const redraw = () => render(kit);
  const contracts = await messageContracts(kit);
  if (generation !== renders) return;
  const head = h("section", { className: "card", id: "messages-head" }, h("h2", {}, "留言与咨询"));
  if (!contracts.length) { head.append(h("p", { className: "muted" }, "您还没有加入任何内容运营合同。")); kit.view.replaceChildren(head); return; }
  if (!contracts.some((c) => c.key === chosen.contract)) chosen.contract = contracts[0].key;
  const [contract, data] = await Promise.all([
    kit.api(`/api/v1/contracts/${encodeURIComponent(chosen.contract)}`), fetchQueue(kit, queueUrl())]);
  if (generation !== renders || !data) return;
  const pages = Math.max(1, Math.ceil(data.total / PER_PAGE));
  if (chosen.page > pages) { chosen.page = pages; return redraw(); }
  const detail = chosen.open ? await detailBox(kit, contract, chosen.open, redraw).catch((error) => {
    chosen.open = null; kit.toast(error.message); return null;
  }) : null;
  if (generation !== renders) return;
  const entry = entryForm(kit, contract, redraw);
  head.append(h("p", { className: "muted" }, "每条留言须在一个工作日内答复；微信私信的 48 小时回复窗口早于时限关闭的排在最前。"),
    filtersBox(contracts, redraw),
    h("button", { type: "button", className: "secondary", id: "message-new", onclick: () => { entry.hidden = !entry.hidden; } }, "登记留言"));
  const queue = h("section", { className: "card", id: "message-queue" },
    h("p", { id: "messages-count" }, `共 ${kit.num(data.total)} 条${filtersNamed()}`),
    h("ul", { className: "messages" }, data.items.length ? data.items.map((m) => queueItem(kit, contract, m, redraw))
      : h("li", { className: "muted" }, "没有符合条件的留言")),
    pager(data.total, redraw));
  kit.view.replaceChildren(head, entry, queue, ...(detail ? [detail] : []));
  if (detail && generation === renders) detail.scrollIntoView({ block: "nearest" });
}
