"""The automatic check of 一审: what a machine can see in a text without a model. Pure
functions: text and term lists in, findings out. It informs the editor who signs 一审; it
never decides (a finding does not stop a signature).

Rules (each finding names its rule):
- `name_to_verify`, `fallen_official`, `banned_term`: a term of the configurable lists
  (data/content_checks.yaml) appears in the text;
- `unbalanced_bracket`: a closing mark without its opening one, or an opening one never
  closed, among “” ‘’ 《》 （） () 【】 「」 and [] (nesting is followed);
- `repeated_punctuation`: the same punctuation mark twice or more in a row (，， 。。 !!);
  the ellipsis …… and the dash —— are written doubled and are not flagged;
- `mixed_width_punctuation`: a half-width , ; : ! ? between two Chinese characters;
- `doubled_character`: a function word written twice (的的, 了了, 是是 …), which is nearly
  always a typing slip; words that legitimately double it (不了了之, 的的确确, 是是非非 …)
  are not flagged. Reduplicated content words (人人, 常常, 看看) are normal and never flagged;
- `bad_link`: an http(s) link that does not parse (no host, a host with invalid
  characters, a bad port, a single slash after the scheme).

A finding: {field, rule, message (Chinese), excerpt, position}; `position` is the index of
the first character in the field's text (0-based, in characters)."""

import re
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import yaml

CHECKER_VERSION = "content-check/1"
TERMS_FILE = Path(__file__).resolve().parents[2] / "data" / "content_checks.yaml"
TERM_LISTS = {
    "names_to_verify": ("name_to_verify", "人名需核实（姓名、职务）"),
    "fallen_officials": ("fallen_official", "涉及落马官员"),
    "banned_terms": ("banned_term", "禁用词"),
}
PAIRS = {"“": "”", "‘": "’", "《": "》", "（": "）", "(": ")", "【": "】", "「": "」",
         "[": "]"}
CLOSERS = {closer: opener for opener, closer in PAIRS.items()}
REPEATABLE = "，。、；：！？,;:!?"
REPEATED = re.compile(f"([{re.escape(REPEATABLE)}])\\1+")
CJK = "\u3400-\u4dbf\u4e00-\u9fff"
HALF_WIDTH_BETWEEN_CJK = re.compile(f"(?<=[{CJK}])[,;:!?](?=[{CJK}])")
FULL_WIDTH_OF = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}
FUNCTION_WORDS = "的了是在和与及为将把被从于就也都而并其之所以地"
DOUBLED = re.compile(f"([{FUNCTION_WORDS}])\\1")
# Where a function word meets itself on purpose: a word that doubles it (不了了之), or two
# words that meet (为了|了解, 目的|的, 参与|与会, 可以|以此).
LEGITIMATE_DOUBLES = ("不了了之", "了了分明", "了了解", "的的确确", "目的的", "是是非非",
                      "是是否", "地地道道", "各地地", "当地地", "和和美美", "参与与",
                      "及及时", "即将将", "可以以", "所以以", "首都都", "合并并")
LINK = re.compile(r"https?:[^\s<>\"“”‘’《》（）【】「」，。；：！？、" f"{CJK}]*", re.IGNORECASE)
HOST = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
                  r"|^localhost$|^\d{1,3}(?:\.\d{1,3}){3}$")
EXCERPT_CONTEXT = 8


@dataclass(frozen=True)
class Finding:
    field: str
    rule: str
    message: str
    excerpt: str
    position: int


def _excerpt(text: str, start: int, end: int) -> str:
    return text[max(0, start - EXCERPT_CONTEXT):end + EXCERPT_CONTEXT]


@cache
def default_terms() -> dict[str, tuple[str, ...]]:
    """The term lists shipped in data/content_checks.yaml."""
    return load_terms(yaml.safe_load(TERMS_FILE.read_text(encoding="utf-8")) or {})


def load_terms(data: dict) -> dict[str, tuple[str, ...]]:
    """The term lists of a mapping, checked: each a list of non-empty texts."""
    terms = {}
    for name in TERM_LISTS:
        items = data.get(name) or []
        if not isinstance(items, list) or not all(
                isinstance(t, str) and t.strip() for t in items):
            raise ValueError(f"{name} should be a list of non-empty texts")
        terms[name] = tuple(t.strip() for t in items)
    return terms


def _term_findings(field: str, text: str, terms: dict) -> list[Finding]:
    found = []
    for name, (rule, label) in TERM_LISTS.items():
        for term in terms.get(name, ()):
            for match in re.finditer(re.escape(term), text):
                found.append(Finding(field, rule, f"{label}：{term}",
                                     _excerpt(text, match.start(), match.end()), match.start()))
    return found


def _bracket_findings(field: str, text: str) -> list[Finding]:
    found, open_marks = [], []  # (mark, position)
    for position, char in enumerate(text):
        if char in PAIRS:
            open_marks.append((char, position))
        elif char in CLOSERS:
            opener = CLOSERS[char]
            if any(mark == opener for mark, _ in open_marks):
                # Close the nearest matching opener; those opened after it were never closed.
                while open_marks:
                    mark, at = open_marks.pop()
                    if mark == opener:
                        break
                    found.append(Finding(field, "unbalanced_bracket",
                                         f"“{mark}”没有对应的“{PAIRS[mark]}”",
                                         _excerpt(text, at, at + 1), at))
            else:
                found.append(Finding(field, "unbalanced_bracket",
                                     f"“{char}”没有对应的“{opener}”",
                                     _excerpt(text, position, position + 1), position))
    for mark, at in open_marks:
        found.append(Finding(field, "unbalanced_bracket", f"“{mark}”没有对应的“{PAIRS[mark]}”",
                             _excerpt(text, at, at + 1), at))
    return found


def _punctuation_findings(field: str, text: str) -> list[Finding]:
    found = [Finding(field, "repeated_punctuation", f"标点重复：{m.group()}",
                     _excerpt(text, m.start(), m.end()), m.start())
             for m in REPEATED.finditer(text)]
    found += [Finding(field, "mixed_width_punctuation",
                      f"中文之间使用了半角标点“{m.group()}”，应为全角“{FULL_WIDTH_OF[m.group()]}”",
                      _excerpt(text, m.start(), m.end()), m.start())
              for m in HALF_WIDTH_BETWEEN_CJK.finditer(text)]
    return found


def _doubled_findings(field: str, text: str) -> list[Finding]:
    legitimate = set()
    for word in LEGITIMATE_DOUBLES:
        for match in re.finditer(re.escape(word), text):
            legitimate.update(range(match.start(), match.end()))
    return [Finding(field, "doubled_character", f"疑似重复字：{m.group()}",
                    _excerpt(text, m.start(), m.end()), m.start())
            for m in DOUBLED.finditer(text)
            if m.start() not in legitimate and m.start() + 1 not in legitimate]


def link_problem(link: str) -> str | None:
    """Why a link does not parse, or None when it does."""
    if not re.match(r"^https?://", link, re.IGNORECASE):
        return "协议后应为“//”"
    try:
        parts = urlsplit(link)
        port = parts.port
    except ValueError:
        return "无法解析（端口或地址格式错误）"
    host = parts.hostname or ""
    if not host:
        return "缺少域名"
    if not HOST.match(host):
        return f"域名无效：{host}"
    if port == 0:
        return "端口无效"
    return None


def _link_findings(field: str, text: str) -> list[Finding]:
    found = []
    for match in LINK.finditer(text):
        link = match.group().rstrip(".,;:!?)]'")
        problem = link_problem(link)
        if problem:
            found.append(Finding(field, "bad_link", f"链接无法解析：{problem}",
                                 link[:200], match.start()))
    return found


def check_text(field: str, text: str, terms: dict | None = None) -> list[Finding]:
    """Every finding in one text, in the order of the rules, then of position."""
    terms = default_terms() if terms is None else terms
    findings = (_term_findings(field, text, terms) + _bracket_findings(field, text)
                + _punctuation_findings(field, text) + _doubled_findings(field, text)
                + _link_findings(field, text))
    order = {rule: i for i, rule in enumerate(
        [r for r, _ in TERM_LISTS.values()] + ["unbalanced_bracket", "repeated_punctuation",
                                               "mixed_width_punctuation", "doubled_character",
                                               "bad_link"])}
    return sorted(findings, key=lambda f: (order[f.rule], f.position))


def check_version(title: str, body: str, terms: dict | None = None) -> list[dict]:
    """The findings of a version's title and body, as plain data to store."""
    return [asdict(f) for f in check_text("title", title, terms) + check_text("body", body, terms)]
