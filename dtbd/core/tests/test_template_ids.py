"""USE_THOUSAND_SEPARATOR prints the integer 1202 as "1.202": an id written into a template that way breaks element ids,
form values and URLs once a table passes 999 rows (found on PostgreSQL). Ids must be printed with
`|stringformat:"d"` (or through {% url %}, which does not localise)."""
import re
from pathlib import Path

import dtbd
from django.template import Context, Template

ROOT = Path(dtbd.__file__).parent
# {{ obj.pk }}, {{ obj.id }}, {{ obj.person_id }} with no filter at all: localised output.
BARE_ID = re.compile(r"\{\{\s*[\w.]*(?:\.pk|\.id|_id)\s*\}\}")
STRING_IDS = {"form_id", "table_id", "chart_id", "dom_id", "html_id", "target_id"}


def _offending_lines():
    for path in sorted(ROOT.rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in BARE_ID.finditer(line):
                name = match.group(0).strip("{} ").split(".")[-1]
                if name not in STRING_IDS:
                    yield f"{path.relative_to(ROOT)}:{number}: {match.group(0)}"


def test_no_template_prints_an_id_through_the_thousands_separator():
    assert list(_offending_lines()) == []


def test_the_rule_catches_what_it_is_for(settings):
    settings.USE_THOUSAND_SEPARATOR = True
    assert Template("{{ x.pk }}").render(Context({"x": {"pk": 1202}})) == "1.202"
    assert Template('{{ x.pk|stringformat:"d" }}').render(Context({"x": {"pk": 1202}})) == "1202"
    assert BARE_ID.search("value=\"{{ enrolment.pk }}\"") and BARE_ID.search("{{ row.person_id }}")
    assert not BARE_ID.search('{{ enrolment.pk|stringformat:"d" }}')
