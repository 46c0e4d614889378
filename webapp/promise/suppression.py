"""Small groups in public tables of feedback: the one rule for the page, API, PDF and workbook.

A count under MIN_GROUP is shown only as "fewer than 5". Wherever the counts shown, with the
sums a reader can form (each line: its parts add up to its total) and the words shown as
bounds ("fewer than 5": 0 to 4; "not shown": 5 or more), would still pin down a hidden count
exactly, more counts are withheld (complementary suppression) until none can be. Works on
any table whose sums are given as lines: places × tertials with their totals, places ×
themes with row and column totals. Pure: counts in, flags set.
"""

import math

MIN_GROUP = 5  # the smallest group shown as a number

# Linear algebra over the integers modulo a prime larger than any minor of a 0/±1 matrix of
# a table's size (Hadamard: n^(n/2) < 2^521 for n up to 150 lines), so ranks are the rationals'.
_PRIME = 2**521 - 1


class Count:
    """One count of a public table; subclasses say what `size` counts."""

    withheld = False  # hidden too, so that a small count can't be worked out

    @property
    def size(self) -> int:
        raise NotImplementedError

    @property
    def small(self) -> bool:
        """Fewer than MIN_GROUP: shown only as "fewer than 5"."""
        return self.size < MIN_GROUP

    @property
    def shown(self) -> bool:
        return not self.small and not self.withheld


def withhold_derivable(lines: list[tuple[list, Count]]) -> None:
    """Withhold counts until no hidden one can be worked out from the `lines` (parts, total)
    and the counts shown: first wherever a line has exactly one hidden count (the smallest
    shown part goes too, the total only when no part is left), then wherever the lines
    together still determine one (in a two-way table: several lines combined), or narrow one
    to a single value with the bounds the page's words give."""
    while _withhold_lone(lines) or _withhold_solvable(lines):
        pass


def _withhold_lone(lines) -> bool:
    changed = False
    for parts, total in lines:
        line = (*parts, total)
        candidates = [c for c in line if c.shown]
        if len(line) - len(candidates) == 1 and candidates:
            _smallest(candidates, total).withheld = changed = True
    return changed


def _smallest(candidates, total) -> Count:
    """The smallest shown part; the total only when nothing else is left."""
    return min(candidates, key=lambda c: (c is total, c.size))


def _withhold_solvable(lines) -> bool:
    hidden = list({id(c): c for parts, total in lines for c in (*parts, total)
                   if not c.shown}.values())  # fmt: skip
    solvable = solvable_counts(lines, hidden) or pinned_counts(lines, hidden)
    if not solvable:
        return False
    count = solvable[0]
    near = [(c, total) for parts, total in lines if _holds(parts, total, count)
            for c in (*parts, total) if c.shown]  # fmt: skip
    if not near:  # no shown count beside it: the smallest shown count anywhere
        near = [(c, total) for parts, total in lines for c in (*parts, total) if c.shown]
    if not near:
        return False
    min(near, key=lambda pair: (pair[0] is pair[1], pair[0].size))[0].withheld = True
    return True


def _holds(parts, total, count) -> bool:
    return any(c is count for c in (*parts, total))


def solvable_counts(lines, hidden: list) -> list:
    """The counts of `hidden` that the lines determine, given every other count: those whose
    unit vector lies in the span of the lines' equations over the hidden counts."""
    index = {id(c): i for i, c in enumerate(hidden)}
    rows = []
    for parts, total in lines:
        row = [0] * len(hidden)
        for c in parts:
            if id(c) in index:
                row[index[id(c)]] += 1
        if id(total) in index:
            row[index[id(total)]] -= 1
        if any(row):
            rows.append([v % _PRIME for v in row])
    return [hidden[col] for col in _unit_rows(rows, len(hidden))]


def pinned_counts(lines, hidden: list) -> list:
    """The counts of `hidden` that the sums pin to one value once the page's words are used as
    bounds too: "fewer than 5" is 0 to 4, "not shown" (withheld) is 5 or more. Each line
    narrows each of its hidden counts to what the others leave (interval propagation)."""
    low = {id(c): 0 if c.small else MIN_GROUP for c in hidden}
    high = {id(c): MIN_GROUP - 1 if c.small else math.inf for c in hidden}
    for _round in range(4 * len(lines)):  # each round narrows something, or it stops
        narrowed = False
        for parts, total in lines:
            terms = [(c, 1) for c in parts] + [(total, -1)]
            known = sum(sign * c.size for c, sign in terms if c.shown)
            unknown = [(c, sign) for c, sign in terms if not c.shown]
            for c, sign in unknown:  # sign·c = -known - Σ sign·others
                rest = [(o, s) for o, s in unknown if o is not c]
                least = sum(low[id(o)] if s > 0 else -high[id(o)] for o, s in rest)
                most = sum(high[id(o)] if s > 0 else -low[id(o)] for o, s in rest)
                if sign > 0:
                    bounds = (-known - most, -known - least)
                else:
                    bounds = (known + least, known + most)
                if bounds[0] > low[id(c)]:
                    low[id(c)], narrowed = bounds[0], True
                if bounds[1] < high[id(c)]:
                    high[id(c)], narrowed = bounds[1], True
        if not narrowed:
            break
    return [c for c in hidden if low[id(c)] == high[id(c)]]


def _unit_rows(rows: list[list[int]], width: int) -> list[int]:
    """Reduced row echelon form; a unit vector is in the row space exactly when one of its
    rows is that vector. Returns those rows' columns."""
    pivots, r = [], 0
    for col in range(width):
        if r == len(rows):
            break
        pivot = next((i for i in range(r, len(rows)) if rows[i][col]), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        inverse = pow(rows[r][col], -1, _PRIME)
        rows[r] = [v * inverse % _PRIME for v in rows[r]]
        for i, row in enumerate(rows):
            if i != r and row[col]:
                factor = row[col]
                rows[i] = [(a - factor * b) % _PRIME for a, b in zip(row, rows[r], strict=True)]
        pivots.append(col)
        r += 1
    return [col for row, col in zip(rows, pivots, strict=False) if sum(1 for v in row if v) == 1]
