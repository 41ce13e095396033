// Helpers of the console's accounts, assignments and imports pages: the API's refusals shown
// at the field they name, the names of roles, and a form's values.
export const ROLES = { admin: "管理员", liaison: "联络员", official: "区级官员", community: "社区账号", content: "内容运营" };

// The field names the API reports, as the pages label them.
export const LABELS = {
  username: "用户名", display_name: "姓名", phone: "电话", role: "角色", password: "密码",
  active: "状态", current_password: "当前密码", new_password: "新密码", street_code: "街道",
  community_code: "社区", start_date: "开始日期", end_date: "结束日期", last_day: "交接日期",
  file: "文件", date: "统计日期", skip_refused: "跳过有误的行",
};

// { field: [messages] } from an ApiError's body, wherever the server put them (json, form,
// files, query, or at the top for a 403 or a 409).
export function fieldMessages(error) {
  const found = {};
  const errors = (error && error.body && error.body.errors) || {};
  for (const [key, value] of Object.entries(errors)) {
    const inner = ["json", "form", "files", "query"].includes(key) && value && !Array.isArray(value) ? value : { [key]: value };
    for (const [field, messages] of Object.entries(inner)) {
      const list = (Array.isArray(messages) ? messages : [messages]).filter((m) => typeof m === "string");
      if (list.length) found[field] = [...(found[field] || []), ...list];
    }
  }
  return found;
}

export function clearErrors(root) {
  root.querySelectorAll(".field-error").forEach((node) => node.remove());
  root.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
}

// Shows each of the API's refusals beside the control of that name inside `root` (a Chinese
// sentence), the others in `root`'s general error line; true when anything was shown.
export function showErrors(root, error, kit) {
  clearErrors(root);
  const messages = fieldMessages(error);
  const rest = [];
  for (const [field, list] of Object.entries(messages)) {
    const control = root.querySelector(`[name="${CSS.escape(field)}"]`);
    const text = list.join("；");
    if (!control) { rest.push(LABELS[field] && !text.includes(LABELS[field]) ? `${LABELS[field]}：${text}` : text); continue; }
    const note = document.createElement("p");
    note.className = "field-error error";
    note.dataset.field = field;
    note.textContent = text;
    control.setAttribute("aria-invalid", "true");
    control.insertAdjacentElement("afterend", note);
  }
  const general = root.querySelector(".form-error");
  const sentence = rest.join("；") || (Object.keys(messages).length ? "" : error instanceof kit.NetworkError ? "网络不可用，请稍后再试" : error.message);
  if (general) { general.textContent = sentence; general.hidden = !sentence; } else if (sentence) kit.toast(sentence);
  return Boolean(sentence || Object.keys(messages).length);
}

// A form's named controls as an object; empty text left out.
export function formValues(form) {
  const values = {};
  for (const [name, value] of new FormData(form).entries()) {
    if (typeof value === "string" && value.trim() === "") continue;
    values[name] = typeof value === "string" ? value.trim() : value;
  }
  return values;
}

export const options = (pairs, selected = "") => pairs.map(([value, label]) =>
  `<option value="${value}"${value === selected ? " selected" : ""}>${label}</option>`).join("");

// Wraps a fetch so that of overlapping calls only the newest answers: an older request that
// returns after a newer one was sent (a filter changed while a save still reloads the list)
// gives null, so a list never ends on what was asked for before.
export function newestOnly(fetcher) {
  let latest = 0;
  return async (...args) => {
    const mine = ++latest;
    const answer = await fetcher(...args);
    return mine === latest ? answer : null;
  };
}
