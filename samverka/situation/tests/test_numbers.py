"""Numbers read the same, rounded half away from zero, on the page, in its chart, in
the PDF and in the DOCX (issue 13, point 7)."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import ClassVar

from samverka.situation import services
from samverka.situation.tests.test_workspace import WorkspaceTestCase, pdf_text

SURVEY_QUESTION = "Känner du dig trygg i ditt bostadsområde på kvällen?"


class NumbersReadRightTest(WorkspaceTestCase):
    """An adopted picture whose frozen figures hold values on a half or just above."""

    label: ClassVar[str]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        services.adopt(cls.picture, dt.date(2026, 2, 10), "Styrgruppen §4", cls.coordinator)
        figures = cls.picture.snapshot["overview"]
        rows = figures["categories"]["rows"]
        row = max(rows, key=lambda r: r["count"])  # enough events for a verdict
        cls.label = row["label_sv"]
        # 5.66 per 100 000 (interval 2.5–11.5), 2.5 % fewer than the period before.
        row["kommun"] = {"rate": 5.66, "lower": 2.5, "upper": 11.5}
        row["change"] = {
            "ratio": 0.975,
            "lower": 0.5,
            "upper": 1.455,
            "verdict": "ingen säker förändring",
        }
        # Every bar is drawn against the widest interval: keep this one the widest.
        for other in rows:
            if other is not row and "kommun" in other:
                other["kommun"] = {"rate": 4.0, "lower": 1.0, "upper": 9.0}
        figures["surveys"] = {
            "rows": [
                {
                    "area": "",
                    "question": SURVEY_QUESTION,
                    "year": 2025,
                    "respondents": 250,
                    "share": 0.456,
                    "lower": 0.298,
                    "upper": 0.418,
                    "small": False,
                }
            ]
        }
        cls.picture.save()

    def page(self) -> str:
        self.login_as("coordinator")
        return self.client.get(self.url("detail")).content.decode()

    def page_row(self, html: str) -> str:
        match = re.search(rf"<th[^>]*>{re.escape(self.label)}</th>(.*?)</tr>", html, re.S)
        assert match, f"no row for {self.label}"
        return re.sub(r"<[^>]+>", " ", match.group(1))

    def docx_text(self) -> list[str]:
        import docx

        self.login_as("coordinator")
        document = docx.Document(io.BytesIO(self.client.get(self.url("docx")).content))
        return [
            " | ".join(cell.text for cell in row.cells)
            for table in document.tables
            for row in table.rows
        ]

    def test_a_rate_of_5_66_reads_6_in_the_table_the_chart_the_pdf_and_the_docx(self) -> None:
        html = self.page()
        cells = self.page_row(html).split()
        self.assertEqual(cells[1:3], ["6", "(3–12)"])
        chart = re.search(r'<svg[^>]*aria-label="Händelser per 100 000[^"]*".*?</svg>', html, re.S)
        assert chart, "no category chart"
        bar_texts = re.findall(r'fill="#4a5560">([^<]*)</text>', chart.group(0))
        self.assertIn("6", bar_texts)
        self.assertNotIn("5", bar_texts)

        docx_rows = [row for row in self.docx_text() if row.startswith(f"{self.label} |")]
        self.assertTrue(docx_rows)
        self.assertEqual(docx_rows[0].split(" | ")[2], "6 (3–12)")

        pdf = pdf_text(self.client.get(self.url("pdf")).content)
        self.assertRegex(pdf, rf"{re.escape(self.label)}\s+\S+\s+6\s+\(3–12\)")

    def test_a_change_of_minus_2_5_per_cent_reads_minus_3(self) -> None:
        row = " ".join(self.page_row(self.page()).split())
        self.assertIn("−3 % (−50 – +46 %)", row)

    def test_a_share_of_45_6_per_cent_reads_46_and_its_interval_30_to_42(self) -> None:
        html = " ".join(re.sub(r"<[^>]+>", " ", self.page()).split())
        self.assertIn("46 % (30–42 %)", html)
        docx_rows = [row for row in self.docx_text() if SURVEY_QUESTION in row]
        self.assertEqual(docx_rows[0].split(" | ")[-1], "46 % (30–42 %)")
        pdf = " ".join(pdf_text(self.client.get(self.url("pdf")).content).split())
        self.assertIn("46 % (30–42 %)", pdf)
