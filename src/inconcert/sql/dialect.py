"""SQL dialect differences, in one place per engine.

Detection SQL is written once; where DuckDB and Spark SQL spell a thing
differently, the SQL builders call a method here.

>>> DuckDBDialect().epoch_us("ts")
'epoch_us(ts)'
"""

from __future__ import annotations

__all__ = ["Dialect", "DuckDBDialect", "SparkDialect"]


class Dialect:
    """Base: ANSI-ish spellings shared by DuckDB and Spark SQL."""

    name = "ansi"

    #: ``ALTER TABLE … ADD COLUMN … DEFAULT`` and ``UPDATE … FROM`` work on the
    #: engine's tables, so scores can be added to ``links`` in place instead of
    #: rewriting the table (DuckDB, Postgres: yes; Spark temporary views: no).
    in_place_update: bool = False

    def epoch_us(self, ts: str) -> str:
        """Microseconds since 1970 of a TIMESTAMP/TIMESTAMPTZ expression, as BIGINT."""
        raise NotImplementedError

    def from_epoch_us(self, us: str) -> str:
        """A UTC TIMESTAMP from BIGINT microseconds."""
        raise NotImplementedError

    def explode(self, list_expr: str) -> str:
        """A SELECT-list expression turning one row per list into one row per element."""
        raise NotImplementedError

    def list_len(self, list_expr: str) -> str:
        raise NotImplementedError

    def list_distinct(self, list_expr: str) -> str:
        raise NotImplementedError

    def list_join_sorted_distinct(self, list_expr: str, sep: str) -> str:
        """The list's distinct elements, sorted, joined by ``sep`` into one string."""
        raise NotImplementedError

    def lower_trim_list(self, list_expr: str) -> str:
        """Lower-case, trim and drop empty elements of a list of strings."""
        raise NotImplementedError

    def int_div(self, a: str, b: str) -> str:
        """Integer division rounding toward minus infinity (a, b BIGINT, b > 0)."""
        raise NotImplementedError

    def to_double(self, x: str) -> str:
        return f"CAST({x} AS DOUBLE)"

    def to_string(self, x: str) -> str:
        """``x`` cast to the engine's string type (``to_string("NULL")``: a typed NULL)."""
        raise NotImplementedError

    def regexp_extract(self, x: str, pattern: str, group: int = 1) -> str:
        """Capture group ``group`` of the first match of regular expression ``pattern``
        (a Python string, quoted here) in ``x``; empty string when it does not match."""
        raise NotImplementedError

    def stddev_samp(self, x: str) -> str:
        """Sample standard deviation aggregate (NULL for fewer than two values).
        Over DOUBLE its last bits depend on the order rows are added in (parallel
        aggregation): deterministic outputs use integer sums instead."""
        return f"stddev_samp({x})"

    def exact_sum(self, x: str) -> str:
        """A sum aggregate of DOUBLE ``x`` (|x| < 8, e.g. chances) whose result does not
        depend on the order the rows are added in, as ``sum`` over DOUBLE does under
        parallel aggregation: each value is split at 2⁻⁶⁰ into two fixed-point
        integers, each part summed exactly as ``DECIMAL(38,0)`` (order-free), and the
        two sums joined once at the end. Exact to 2⁻¹²⁰ per value.

        >>> import duckdb
        >>> duckdb.sql(f"SELECT {Dialect().exact_sum('x')} AS s FROM (VALUES (0.1), (0.2), (0.3)) v(x)").fetchall()[0][0]
        0.6
        """
        s = f"(CAST({x} AS DOUBLE) * {_TWO60})"
        hi = f"floor({s})"
        return (
            f"(CAST(sum(CAST({hi} AS DECIMAL(38,0))) AS DOUBLE) / {_TWO60}"
            f" + CAST(sum(CAST(({s} - {hi}) * {_TWO60} AS DECIMAL(38,0))) AS DOUBLE) / {_TWO120})"
        )

    def string_agg_distinct(self, x: str, sep: str) -> str:
        raise NotImplementedError

    def string_agg_ordered(self, x: str, order: str, sep: str) -> str:
        """Aggregate strings ``x`` joined by ``sep`` in ascending ``order``, ties by ``x``
        (every engine gives the same string)."""
        raise NotImplementedError

    def round_sig(self, x: str, digits: int = 10) -> str:
        """``x`` (DOUBLE) rounded to ``digits`` significant digits, so that sums whose
        order varies between runs print identically."""
        raise NotImplementedError

    def hash64(self, x: str) -> str:
        """A deterministic 64-bit hash of a string (same on every engine not required)."""
        raise NotImplementedError

    def regexp_replace_all(self, x: str, pattern: str, replacement: str) -> str:
        """``x`` with every match of regular expression ``pattern`` replaced by the
        literal ``replacement`` (both Python strings, quoted here)."""
        raise NotImplementedError

    def quantile(self, expr: str, q: float) -> str:
        """The continuous (interpolated) ``q``-quantile (0–1) of ``expr``, an aggregate."""
        raise NotImplementedError


#: 2⁶⁰ and 2¹²⁰ as DOUBLE literals (exact; the E makes them DOUBLE, not DECIMAL, in both engines).
_TWO60 = "1152921504606846976E0"
_TWO120 = "1329227995784915872903807060280344576E0"


def _quote(s: str) -> str:
    """A SQL string literal.

    >>> _quote("it's")
    "'it''s'"
    """
    return "'" + s.replace("'", "''") + "'"


#: POSIX bracket classes (RE2, DuckDB's regex) as Java's: Java reads ``[[:punct:]]`` as the
#: class of the characters ``:punct`` (it drops p, u, n, c, t and colons, keeps commas). ASCII-only.
_POSIX_CLASSES = {
    "[:punct:]": r"\p{Punct}",
    "[:alpha:]": r"\p{Alpha}",
    "[:digit:]": r"\p{Digit}",
    "[:alnum:]": r"\p{Alnum}",
    "[:space:]": r"\s",  # both [ \t\n\v\f\r] (a bare RE2 \s, without \v, is spelled out: _re2_spaces)
    "[:upper:]": r"\p{Upper}",
    "[:lower:]": r"\p{Lower}",
}


#: RE2's ``\s``: Java's ``\s`` adds the vertical tab (``\x0B``)
_RE2_SPACE = "\\t\\n\\f\\r "


def _re2_spaces(pattern: str) -> str:
    r"""RE2's ``\s`` / ``\S`` spelled out for Java, whose ``\s`` also matches ``\v``:
    ``[\t\n\f\r ]`` outside a bracket class, its characters inside one (``\S``
    there: Java's nested class ``[^…]``, a union). Escaped backslashes stay.

    >>> print(_re2_spaces(r"^rt\s+@[^\s:]+ \S \\s"))
    ^rt[\t\n\f\r ]+@[^\t\n\f\r :]+ [^\t\n\f\r ] \\s
    """
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            e = pattern[i + 1]
            if e == "s":
                out.append(_RE2_SPACE if in_class else f"[{_RE2_SPACE}]")
            elif e == "S":
                out.append(f"[^{_RE2_SPACE}]")
            else:
                out.append(c + e)
            i += 2
            continue
        if c == "[" and not in_class:
            in_class = True
            out.append(c)
            i += 1
            if pattern.startswith("^", i):
                out.append("^")
                i += 1
            if pattern.startswith("]", i):  # a first ']' is a member
                out.append("]")
                i += 1
            continue
        if c == "[" and pattern.startswith("[:", i):  # a POSIX class inside a class
            j = pattern.find(":]", i + 2)
            if j > 0:
                out.append(pattern[i:j + 2])
                i = j + 2
                continue
        if c == "]" and in_class:
            in_class = False
        out.append(c)
        i += 1
    return "".join(out)


def _java_regex(pattern: str) -> str:
    r"""An RE2 pattern as a Spark SQL string literal for Java's regex: ``\s`` as RE2
    means it (:func:`_re2_spaces`), POSIX bracket classes spelled ``\p{…}``,
    backslashes doubled (Spark string literals read escapes).

    >>> print(_java_regex(r"[0-9]+|[[:punct:]]+|\s"))
    '[0-9]+|[\\p{Punct}]+|[\\t\\n\\f\\r ]'
    """
    pattern = _re2_spaces(pattern)
    for posix, java in _POSIX_CLASSES.items():
        pattern = pattern.replace(posix, java)
    return _quote(pattern.replace(chr(92), chr(92) * 2))


class DuckDBDialect(Dialect):
    """DuckDB's spellings.

    >>> DuckDBDialect().regexp_extract("url", "^https?://([^/]+)")
    "regexp_extract(url, '^https?://([^/]+)', 1)"
    """

    name = "duckdb"
    in_place_update = True

    def epoch_us(self, ts: str) -> str:
        return f"epoch_us({ts})"

    def from_epoch_us(self, us: str) -> str:
        return f"make_timestamp({us})"

    def explode(self, list_expr: str) -> str:
        return f"unnest({list_expr})"

    def list_len(self, list_expr: str) -> str:
        return f"len({list_expr})"

    def list_distinct(self, list_expr: str) -> str:
        return f"list_distinct({list_expr})"

    def list_join_sorted_distinct(self, list_expr: str, sep: str) -> str:
        return f"array_to_string(list_sort(list_distinct({list_expr})), '{sep}')"

    def lower_trim_list(self, list_expr: str) -> str:
        return (
            f"list_filter(list_transform({list_expr}, lambda x: lower(trim(x))), "
            f"lambda x: x IS NOT NULL AND x <> '')"
        )

    def int_div(self, a: str, b: str) -> str:
        return f"CAST(floor(CAST({a} AS DOUBLE) / {b}) AS BIGINT)"

    def to_string(self, x: str) -> str:
        return f"CAST({x} AS STRING)"

    def regexp_extract(self, x: str, pattern: str, group: int = 1) -> str:
        return f"regexp_extract({x}, {_quote(pattern)}, {int(group)})"

    def string_agg_distinct(self, x: str, sep: str) -> str:
        return f"string_agg(DISTINCT {x}, '{sep}' ORDER BY {x})"

    def string_agg_ordered(self, x: str, order: str, sep: str) -> str:
        return f"string_agg({x}, '{sep}' ORDER BY {order}, {x})"

    def round_sig(self, x: str, digits: int = 10) -> str:
        return f"CAST(format('{{:.{int(digits)}g}}', {x}) AS DOUBLE)"

    def hash64(self, x: str) -> str:
        return f"hash({x})"

    def regexp_replace_all(self, x: str, pattern: str, replacement: str) -> str:
        return f"regexp_replace({x}, {_quote(pattern)}, {_quote(replacement)}, 'g')"

    def quantile(self, expr: str, q: float) -> str:
        return f"quantile_cont({expr}, {q})"


class SparkDialect(Dialect):
    """Spark SQL's spellings.

    >>> SparkDialect().to_string("NULL")
    'CAST(NULL AS STRING)'
    """

    name = "spark"

    def epoch_us(self, ts: str) -> str:
        return f"unix_micros({ts})"

    def from_epoch_us(self, us: str) -> str:
        # TIMESTAMP_NTZ, like DuckDB's make_timestamp: a UTC wall-clock time, no zone.
        return f"CAST(timestamp_micros({us}) AS TIMESTAMP_NTZ)"

    def explode(self, list_expr: str) -> str:
        return f"explode({list_expr})"

    def list_len(self, list_expr: str) -> str:
        return f"size({list_expr})"

    def list_distinct(self, list_expr: str) -> str:
        return f"array_distinct({list_expr})"

    def list_join_sorted_distinct(self, list_expr: str, sep: str) -> str:
        return f"array_join(array_sort(array_distinct({list_expr})), '{sep}')"

    def lower_trim_list(self, list_expr: str) -> str:
        return (
            f"filter(transform({list_expr}, x -> lower(trim(x))), x -> x IS NOT NULL AND x <> '')"
        )

    def int_div(self, a: str, b: str) -> str:
        return f"CAST(floor(CAST({a} AS DOUBLE) / {b}) AS BIGINT)"

    def to_string(self, x: str) -> str:
        return f"CAST({x} AS STRING)"

    def regexp_extract(self, x: str, pattern: str, group: int = 1) -> str:
        return f"regexp_extract({x}, {_java_regex(pattern)}, {int(group)})"

    def string_agg_distinct(self, x: str, sep: str) -> str:
        return f"array_join(array_sort(collect_set({x})), '{sep}')"

    def string_agg_ordered(self, x: str, order: str, sep: str) -> str:
        return (
            f"array_join(transform(array_sort(collect_list(struct({order} AS o, {x} AS v))), "
            f"s -> s.v), '{sep}')"
        )

    def round_sig(self, x: str, digits: int = 10) -> str:
        return f"CAST(format_string('%.{int(digits)}g', {x}) AS DOUBLE)"

    def hash64(self, x: str) -> str:
        return f"xxhash64({x})"

    def regexp_replace_all(self, x: str, pattern: str, replacement: str) -> str:
        return f"regexp_replace({x}, {_java_regex(pattern)}, {_quote(replacement)})"

    def quantile(self, expr: str, q: float) -> str:
        return f"percentile({expr}, {q})"
