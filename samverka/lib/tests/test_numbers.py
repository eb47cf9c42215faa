"""The one rounding and number format of every figure (issue 13, point 7)."""

import doctest

from django.template import Context, Template
from django.test import SimpleTestCase
from django.utils import translation

from samverka.lib import numbers


class RoundingTest(SimpleTestCase):
    def test_halves_round_away_from_zero_not_to_even(self) -> None:
        with translation.override("sv"):
            shown = [numbers.number(v) for v in (0.5, 1.5, 2.5, -0.5, -2.5, 5.66)]
        self.assertEqual(shown, ["1", "2", "3", "−1", "−3", "6"])

    def test_swedish_decimal_comma_and_no_break_thousands(self) -> None:
        with translation.override("sv"):
            self.assertEqual(numbers.number(12345.65, 1), "12\u00a0345,7")
            self.assertEqual(numbers.count(26939), "26\u00a0939")
        with translation.override("en"):
            self.assertEqual(numbers.number(12345.65, 1), "12,345.7")

    def test_shares_intervals_and_changes(self) -> None:
        with translation.override("sv"):
            self.assertEqual(numbers.percent(0.456), "46 %")
            self.assertEqual(numbers.percent(0.4565, 1), "45,7 %")
            self.assertEqual(numbers.interval(0.298, 0.418, percent=True), "30–42 %")
            self.assertEqual(numbers.interval(29.5, 41.5), "30–42")
            self.assertEqual(numbers.change(0.975), "−3")
            self.assertEqual(numbers.change(1.025), "+3")
            # The sign is that of the number shown: a change that rounds to 0 is "±0".
            self.assertEqual(numbers.change(0.996), "±0")
            self.assertEqual(numbers.number(-0.4), "0")

    def test_the_template_filter_rounds_the_same_way(self) -> None:
        with translation.override("sv"):
            html = Template("{% load samverka %}{{ a|number:1 }} {{ b|number }} {{ c|thousands }}")
            shown = html.render(Context({"a": 5.65, "b": -2.5, "c": 1234.5}))
        self.assertEqual(shown, "5,7 −3 1\u00a0235")

    def test_the_module_examples_hold(self) -> None:
        self.assertEqual(doctest.testmod(numbers).failed, 0)


class PlanNumbersTest(SimpleTestCase):
    def test_a_goal_reads_the_same_in_the_table_and_the_documents(self) -> None:
        from samverka.plans import documents

        with translation.override("sv"):
            html = Template("{% load plans %}{{ a|num }} {{ b|num }} {{ c|num }}")
            shown = html.render(Context({"a": 5.66, "b": 2.25, "c": 1200.0}))
            self.assertEqual(shown, "5,7 2,3 1\u00a0200")
            self.assertEqual(
                [documents.number(v) for v in (5.66, 2.25, 1200.0)], ["5,7", "2,3", "1\u00a0200"]
            )
