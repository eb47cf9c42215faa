"""Where a category of a statistics table goes: a category of the taxonomy (its code),
the total of all crime, or nowhere (skipped). Every category is mapped explicitly;
one not in the mapping stops the import, naming it."""

from __future__ import annotations

TOTAL = "total"
SKIP = "skip"


def is_total(target: str) -> bool:
    """ "" is how mappings saved before the explicit choice named the total."""
    return target in (TOTAL, "")


def is_skip(target: str) -> bool:
    return target == SKIP


class LevelCheck:
    """What makes a mapping count a row twice, found while the rows are read.

    With a level column (total > main > sub), every target takes its rows from one
    level only: a main category and its sub-categories both mapped to burglary would
    count each burglary twice. And the total is one category of the source, never a sum
    of several (41 categories mapped to the total would store 41 totals).
    """

    def __init__(self, labels: dict[str, str]) -> None:
        self.labels = labels  # category code → its name
        self.levels: dict[str, dict[str, str]] = {}  # target → level → a source category
        self.totals: list[str] = []  # the source categories mapped to the total
        self.seen: dict[str, set[str]] = {}  # level → its source categories (a few)

    def note(self, level: str, source_category: str) -> None:
        """A row of the table on ``level``, whatever its category is mapped to."""
        names = self.seen.setdefault(level, set())
        if len(names) < 2:
            names.add(source_category)

    def add(self, target: str, level: str, source_category: str) -> None:
        key = TOTAL if is_total(target) else target
        if key == TOTAL and source_category not in self.totals and len(self.totals) < 50:
            self.totals.append(source_category)
        self.levels.setdefault(key, {}).setdefault(level, source_category)

    def problems(self) -> list[str]:
        from django.utils.translation import gettext as _

        found = []
        if len(self.totals) > 1:
            found.append(
                _(
                    "%(count)s categories of the source are mapped to the total (%(names)s): "
                    "the total is one row of the table. Map only the total row to the total, "
                    "the others to a category or to skip."
                )
                % {"count": len(self.totals), "names": quoted(self.totals)}
            )
        total_levels = list(self.levels.get(TOTAL, {}))
        single = sorted(level for level, names in self.seen.items() if len(names) == 1)
        if len(total_levels) == 1 and total_levels[0] and single and total_levels[0] not in single:
            found.append(
                _(
                    "The total is taken from the level “%(level)s”, which holds several "
                    "categories; the table's total row is on the level “%(total)s”. Map that row "
                    "to the total."
                )
                % {"level": total_levels[0], "total": single[0]}
            )
        for target, levels in sorted(self.levels.items()):
            if len(levels) > 1:
                found.append(
                    _(
                        "“%(target)s” is given rows of more than one level (%(levels)s): a row "
                        "and the rows it is made of would both be counted. Map one level to "
                        "it and skip the others."
                    )
                    % {
                        "target": self.label(target),
                        "levels": "; ".join(
                            f"{level or '–'}: {quote(name)}"
                            for level, name in sorted(levels.items())
                        ),
                    }
                )
        return found

    def label(self, target: str) -> str:
        from django.utils.translation import gettext as _

        return _("the total") if target == TOTAL else self.labels.get(target, target)


def quote(name: str) -> str:
    """``name`` in the quotation marks of the active language (”…” in Swedish)."""
    from django.utils.translation import gettext as _

    return _("“%(quoted)s”") % {"quoted": name[:80]}


def quoted(names: list[str], limit: int = 10) -> str:
    """The first ``limit`` names, each quoted, and how many more."""
    shown = ", ".join(quote(n) for n in names[:limit])
    return shown + (f" … (+{len(names) - limit})" if len(names) > limit else "")
