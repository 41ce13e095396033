"""The automatic check of 一审, rule by rule, on real text: it finds what a machine can see
and stays quiet on correct Chinese."""

import pytest

from service.content.checks import CHECKER_VERSION, check_text, check_version, default_terms

CLEAN = ("7月1日，《北京城市总体规划（2016年—2035年）》实施情况报告发布。"
         "为了了解市民的意见，市规划自然资源委在“北京规划”公众号上开展问卷调查……"
         "详见 https://ghzrzyw.beijing.gov.cn/zwxx/202307/t20230701.html。"
         "人人都可以参与，常常看看，的的确确是一件好事——欢迎留言！")


def test_correct_text_has_no_findings():
    assert check_text("body", CLEAN) == []


def test_terms_of_each_list_are_found_with_position():
    text = "会上，张某某样例指出，李某某样例表示这是绝对第一的方案。"
    found = check_text("body", text)
    assert [(f.rule, f.message, f.position) for f in found] == [
        ("name_to_verify", "人名需核实（姓名、职务）：李某某样例", text.index("李")),
        ("fallen_official", "涉及落马官员：张某某样例", text.index("张")),
        ("banned_term", "禁用词：绝对第一", text.index("绝对"))]
    assert "张某某样例" in found[1].excerpt


def test_term_lists_are_configurable():
    terms = {"names_to_verify": (), "fallen_officials": (), "banned_terms": ("网红打卡地",)}
    assert [f.rule for f in check_text("title", "西城网红打卡地", terms)] == ["banned_term"]
    assert set(default_terms()) == {"names_to_verify", "fallen_officials", "banned_terms"}


@pytest.mark.parametrize("text, message", [
    ("他说：“规划要落地。", "“““”没有对应的“””"),
    ("《北京城市总体规划发布", "““《”没有对应的“》”"),
    ("核心区控规）已批复", "““）”没有对应的“（”"),
    ("见附件(第3页", "““(”没有对应的“)”"),
    ("【通知】会议改期】", "““】”没有对应的“【”"),
    ("「名城保护」」", "““」”没有对应的“「”"),
    ("‘一刻钟便民生活圈", "““‘”没有对应的“’”"),
])
def test_unbalanced_quotes_and_brackets(text, message):
    found = check_text("body", text)
    assert [f.rule for f in found] == ["unbalanced_bracket"]
    assert found[0].message == message[1:]


def test_nested_brackets_balance_and_a_crossed_one_is_named():
    assert check_text("body", "《关于（试行）的通知》和“‘双引号’内的单引号”") == []
    found = check_text("body", "（见《规划》")
    assert [(f.message, f.position) for f in found] == [("“（”没有对应的“）”", 0)]


def test_repeated_punctuation_but_not_ellipsis_or_dash():
    found = [f for f in check_text("body", "今天，，我们发布了新规。。太好了!!")
             if f.rule == "repeated_punctuation"]
    assert [f.message for f in found] == ["标点重复：，，", "标点重复：。。", "标点重复：!!"]
    assert check_text("body", "规划……落地——见成效") == []


def test_half_width_punctuation_between_chinese():
    found = check_text("body", "北京城市总规,名城保护;不动产登记")
    assert [(f.rule, f.message, f.position) for f in found] == [
        ("mixed_width_punctuation", "中文之间使用了半角标点“,”，应为全角“，”", 6),
        ("mixed_width_punctuation", "中文之间使用了半角标点“;”，应为全角“；”", 11)]
    assert check_text("body", "面积1,200平方米，比例3:1") == []


def test_doubled_function_words_but_not_real_words():
    found = check_text("body", "这是规划的的重点，我们了了解到，大家都都同意。")
    assert [f.message for f in found] == ["疑似重复字：的的", "疑似重复字：都都"]
    assert check_text("body", "为了了解情况，不了了之不可取，这是达到目的的手段") == []
    assert check_text("body", "人人参与，常常看看，关键是是否落实") == []


@pytest.mark.parametrize("link, problem", [
    ("http:/example.com/a", "协议后应为“//”"),
    ("https://", "缺少域名"),
    ("https://exa mple", "域名无效：exa"),
    ("https://exam_ple.com/x", "域名无效：exam_ple.com"),
    ("https://example.com:99999/", "无法解析（端口或地址格式错误）"),
    ("http://localhost:abc", "无法解析（端口或地址格式错误）"),
])
def test_links_that_do_not_parse(link, problem):
    found = check_text("body", f"详见{link}。")
    assert [(f.rule, f.message) for f in found][:1] == [("bad_link", f"链接无法解析：{problem}")]


def test_good_links_pass():
    text = ("原文 https://mp.weixin.qq.com/s/AbC-12_x?id=3&b=4#frag ，"
            "以及 http://10.0.0.1:8080/path 和 https://www.beijing.gov.cn。")
    assert check_text("body", text) == []


def test_a_version_checks_title_and_body_and_names_the_checker():
    found = check_version("规划的的成就", "见(附件")
    assert [(f["field"], f["rule"]) for f in found] == [
        ("title", "doubled_character"), ("body", "unbalanced_bracket")]
    assert set(found[0]) == {"field", "rule", "message", "excerpt", "position"}
    assert CHECKER_VERSION == "content-check/1"
