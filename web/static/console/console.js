// The operator's console: the contract team's pages, loaded by the shell for admins only (the
// liaisons' phones never download them). Plain ES modules, no build step; each page module
// exports `page = { key, label, render(kit) }`, where kit is the shell's consoleKit().
const version = new URL(import.meta.url).search;

// Page modules of this folder, in the order of their tabs.
const NAMES = ["accounts", "assignments", "imports", "review", "locations", "records", "targets",
  "weekly", "calendar", "messages"];

const stylesheet = document.createElement("link");
stylesheet.rel = "stylesheet";
stylesheet.href = `/static/console/console.css${version}`;
document.head.append(stylesheet);

export const pages = (await Promise.all(NAMES.map((name) => import(`./${name}.js${version}`))))
  .map((module) => module.page);
