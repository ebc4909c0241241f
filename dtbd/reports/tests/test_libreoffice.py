"""Each report's .xlsx opens in LibreOffice: one headless soffice run converts them all to PDF, and each PDF has the
report's title (Vietnamese diacritics intact). `make test` installs LibreOffice first (`make libreoffice`)."""
import datetime
import os
import shutil
import subprocess

import pytest

from dtbd.reports import renderers
from dtbd.reports.registry import all_reports

from .province import add_political_theory, add_training, make_units
from .test_documents import pdf_text, squash

pytestmark = pytest.mark.django_db


def soffice():
    path = shutil.which("soffice") or shutil.which("libreoffice")
    assert path, "LibreOffice (soffice) is missing: run `make libreoffice` (Debian: libreoffice-calc-nogui)."
    return path


def test_every_report_xlsx_opens_in_libreoffice(tmp_path):
    units = make_units()
    add_political_theory(units)
    training = add_training(units)
    sources = tmp_path / "xlsx"
    sources.mkdir()
    titles = {}
    for report in all_reports(None):
        subject = training.an if report.subject == "person" else units.root
        result = renderers.run(report, subject, datetime.date(2026, 12, 31), 2026)
        (sources / f"{report.name}.xlsx").write_bytes(renderers.render(result, "xlsx"))
        titles[report.name] = str(report.title)
    out = tmp_path / "pdf"
    profile = tmp_path / "profile"
    command = [
        soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--convert-to", "pdf",
        "--outdir", str(out), *sorted(str(p) for p in sources.glob("*.xlsx")),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    for name, title in titles.items():
        pdf = out / f"{name}.pdf"
        assert pdf.exists(), f"{name}: LibreOffice did not convert the .xlsx ({done.stdout} {done.stderr})"
        text = squash(pdf_text(pdf.read_bytes()))
        assert title in text, name
    assert "Tổng cộng" in squash(pdf_text((out / "training-volume.pdf").read_bytes()))
