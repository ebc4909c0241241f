"""The current page of every pager is readable: its number contrasts with its box. The pager is the partial
partials/pagination.html, styled by static/dtbd/app.css; the test resolves the cascade of that CSS for the element
the partial renders (selector specificity, then order) and compares the text colour with the background."""
import re
from pathlib import Path

from django.core.paginator import Paginator
from django.template import engines
from django.test import RequestFactory

import dtbd

CSS = Path(dtbd.__file__).parent / "static" / "dtbd" / "app.css"


def _rules(text):
    """(selector, declarations) of the top-level rules, @media blocks left out (screen, wide window)."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    rules, depth, start, selector = [], 0, 0, None
    for i, char in enumerate(text):
        if char == "{":
            if depth == 0:
                selector, start = text[start:i].strip(), i + 1
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                if not selector.startswith("@"):
                    rules.append((selector, text[start:i]))
                start = i + 1
    return rules


def _compound_matches(compound, element):
    """element: dict tag, classes, attrs. Pseudo-classes (:hover…) never match a page at rest."""
    if ":" in compound:
        return False
    tag = re.match(r"^[a-z][a-z0-9]*|^\*", compound)
    if tag and tag.group() not in ("*", element["tag"]):
        return False
    for ident in re.findall(r"#([\w-]+)", compound):
        if element["attrs"].get("id") != ident:
            return False
    for cls in re.findall(r"\.([\w-]+)", compound):
        if cls not in element["classes"]:
            return False
    for attr in re.findall(r"\[([^\]]+)\]", compound):
        name, _, value = attr.partition("=")
        if name not in element["attrs"] or (value and value.strip("\"'") != element["attrs"][name]):
            return False
    return True


def _specificity(selector):
    ids = selector.count("#")
    classes = len(re.findall(r"\.[\w-]+|\[[^\]]+\]|:(?!:)[\w-]+", selector))
    tags = len(re.findall(r"(?:^|[\s>+~])([a-z][a-z0-9]*)", selector))
    return ids, classes, tags


def _matches(selector, element, ancestors):
    parts = selector.split()
    if ">" in parts or not parts or not _compound_matches(parts[-1], element):
        return False
    return all(any(_compound_matches(part, a) for a in ancestors) for part in parts[:-1])


def computed(element, ancestors, prop_names):
    css = CSS.read_text(encoding="utf-8")
    variables = dict(re.findall(r"(--[\w-]+)\s*:\s*([^;]+);", css))
    best = {}
    for order, (selectors, body) in enumerate(_rules(css)):
        declarations = dict(
            (name.strip(), value.strip()) for name, _, value in (d.partition(":") for d in body.split(";")) if value
        )
        for selector in selectors.split(","):
            selector = selector.strip()
            if not _matches(selector, element, ancestors):
                continue
            for name in prop_names:
                value = declarations.get(name)
                if name == "background" or name == "background-color":
                    value = declarations.get("background-color") or declarations.get("background")
                if value is None:
                    continue
                key = (_specificity(selector), order)
                if name not in best or key >= best[name][0]:
                    best[name] = (key, value)
    resolved = {}
    for name, (_, value) in best.items():
        resolved[name] = re.sub(r"var\((--[\w-]+)\)", lambda m: variables[m.group(1)].strip(), value).lower()
    return resolved


def _render_pager():
    template = engines["django"].from_string(
        '{% include "partials/pagination.html" with page_obj=page_obj %}'
    )
    page_obj = Paginator(list(range(100)), 10).page(3)
    return template.render({"page_obj": page_obj}, request=RequestFactory().get("/?page=3"))


def test_the_current_page_is_marked_in_the_markup():
    html = _render_pager()
    current = re.search(r'<(\w+) class="([^"]*)" aria-current="page">3<', html)
    assert current, html
    assert current.group(1) == "span" and {"page", "current"} <= set(current.group(2).split())


def test_the_current_page_number_contrasts_with_its_box():
    html = _render_pager()
    tag, classes = re.search(r'<(\w+) class="([^"]*)" aria-current="page">', html).groups()
    element = {"tag": tag, "classes": set(classes.split()), "attrs": {"aria-current": "page", "class": classes}}
    pager = {"tag": "nav", "classes": {"pagination"}, "attrs": {"aria-label": ""}}
    main = {"tag": "main", "classes": {"main"}, "attrs": {"id": "main"}}
    style = computed(element, [pager, main, {"tag": "body", "classes": set(), "attrs": {}}], ["color", "background"])
    assert "background" in style and "color" in style, style
    assert style["color"] != style["background"], style
    # the number is white on the primary colour, not on the white surface of the other page links
    assert style["background"] not in ("#fff", "#ffffff", "white"), style
