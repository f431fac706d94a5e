"""Page N of a list at the cost of page 1: the rows' keys through the ordering's index, the rows by those keys.

`LIMIT 50 OFFSET 9,900` on a list query makes the database build 9,950 full rows (joins, annotations) and throw
9,900 away, so deep pages grew with the data (issue 9: `/people/?page=N` 70 → 634 ms). Here the offset is walked
by a narrow query that selects only the primary key, which SQLite and PostgreSQL answer from the index of the
ordering (`core_person_name_idx` …) without touching the table, as a subquery (`WHERE id IN (SELECT id … LIMIT 50
OFFSET 9900)`) of the original query, whose joins, annotations and ordering then apply to the page's 50 rows only.
Same number of queries as the plain slice; SQLite and PostgreSQL take LIMIT inside IN (MySQL would not).
A page in the back half of a list whose order ends with the key is walked from the end instead (seek_slice),
so the deepest walk is the middle page's, half the list.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, NamedTuple

from django.conf import settings
from django.core.exceptions import EmptyResultSet, FieldDoesNotExist
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import F, OrderBy, QuerySet, Value
from django.db.models.constants import LOOKUP_SEP
from django.db.models.query import ModelIterable, ValuesIterable
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .rows import escaped

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable, Iterable

    from django.db.models import Model

    from .models import User
    from .rows import Row

    #: make(queryset) -> (what must be equal between two compiles, what is kept, its parts' (SQL, parameters)), or
    #: None (_kept)
    _Make = Callable[[QuerySet], tuple[Any, Any, tuple[tuple[str | None, tuple], ...]] | None]


def seekable(queryset: QuerySet) -> bool:
    """A plain queryset of model rows or of `.values()` dicts (core.rows; modeltranslation's subclasses too): no GROUP BY (aggregate annotations),
    DISTINCT or set operation, which a primary-key query would change; those are sliced as before."""
    if not isinstance(queryset, QuerySet) or not issubclass(queryset._iterable_class, (ModelIterable, ValuesIterable)):
        return False
    query = queryset.query
    return not (query.group_by or query.distinct or query.combinator or query.is_sliced)


def _has_subquery(queryset: QuerySet) -> bool:
    return any(
        getattr(node, "subquery", False)
        for annotation in queryset.query.annotations.values()
        for node in annotation.flatten()
    )


def _ends_with_key(queryset: QuerySet) -> bool:
    """Whether the ordering ends with the primary key, so no two rows tie and the reversed ordering lists exactly
    the same rows backwards (core.listing.sort_queryset ends every order so)."""
    query = queryset.query
    ordering = query.order_by or (query.get_meta().ordering if query.default_ordering else ())
    if not ordering or query.extra_order_by:
        return False
    last = ordering[-1]
    if isinstance(last, OrderBy):
        last = last.expression
    if isinstance(last, F):
        last = last.name
    pk = query.get_meta().pk
    return isinstance(last, str) and last.removeprefix("-") in ("pk", pk.name, pk.attname)


def seek_slice(
    queryset: QuerySet, offset: int, limit: int, *, values: tuple[str, ...] = (), count: int | None = None
) -> QuerySet:
    """`queryset[offset:offset + limit]`, in one query: the rows whose keys are on the page (walked through the
    ordering's index), with the original joins, annotations and ordering. Also on the first page when the rows
    carry a subquery (a count per row), which is then evaluated for the page's rows only. With `values`, the rows
    are `.values(*values)` dicts; the keys are still walked on `queryset` itself, whose key query has only the joins
    its filters and ordering need (the related columns of `values` would join their tables into it too).

    With `count` (the number of rows, which a paginator knows already), a page in the back half is walked from
    the end: the keys through the reversed ordering, which the database reads from the same index backwards, so
    the last pages cost what the first ones do and the middle one is the deepest walk (half the list). Only when
    the ordering ends with the primary key: then no rows tie, and backwards is exactly the same list reversed."""
    rows = queryset.values(*values) if values else queryset
    if not seekable(queryset) or (offset <= 0 and not _has_subquery(queryset)):
        return rows[offset : offset + limit]
    if count is not None and count // 2 < offset < count and _ends_with_key(queryset):
        end = min(offset + limit, count)
        keys = queryset.reverse().values("pk")[count - end : count - offset]
    else:
        keys = queryset.values("pk")[offset : offset + limit]
    return rows.filter(pk__in=keys)


class SeekRows:
    """The count and the pages of one request's list: `count` and `page(offset, limit)`.

    A list read as `.values()` columns (core.rows) of its own table and of tables reached by foreign keys has its
    filtered, ordered query compiled once, as a query of keys: the count is `SELECT COUNT(*)` over it, a page's
    keys are it with `LIMIT … OFFSET …` (walked from the end in the back half, as seek_slice does), and the page's
    rows are read by those keys with a query that depends only on the model and the columns, compiled once per
    process (`rows_by_keys`). The ORM compiled a count and the page's query (with the keys query inside) on each
    request: at 30,000 people, 2.4 ms of CPU on the first page and 4.2 ms on page 300, against 1.6 and 2.5 this
    way (issue 9). Columns that are annotations of the list (a permission per row, a count) are read for the
    page's keys by the list's own queryset; a constant one is set on each row. Anything else (model instances,
    GROUP BY, DISTINCT, a set operation, a many-valued column) is counted and sliced as before (seek_slice).
    Given as a `Kept` builder, a list read by key with no per-row annotation has its three key queries (the count's,
    its order's and the reverse's) kept per process and shape (`_kept`): a request of a shape seen before builds
    no queryset and compiles nothing."""

    def __init__(self, queryset: QuerySet | list | Kept, values: tuple[str, ...] = ()) -> None:
        self.values = values
        self._ordered: dict[bool, tuple[str | None, tuple]] = {}  # backwards -> the ordered key query
        if isinstance(queryset, Kept):  # its key queries kept per shape (_kept), else built as before
            kept = _kept(("keys", values), queryset, functools.partial(_key_parts, values=values))
            if kept is not None:
                (self.db, self.model, self.columns, constants, self.ends_with_key), parts = kept
                self.queryset, self.constants, self.annotations, self.by_keys = None, dict(constants), (), True
                self._keys_unordered, self._ordered[False], self._ordered[True] = parts
                return
            queryset = queryset.queryset()
        self.queryset = queryset
        annotations = queryset.query.annotations if isinstance(queryset, QuerySet) else {}
        self.columns = tuple(v for v in values if v not in annotations)
        # a constant (e.g. "may see personal data" for program staff) is set on each row, not read
        self.constants = {v: annotations[v].value for v in values if isinstance(annotations.get(v), Value)}
        self.annotations = tuple(v for v in values if v in annotations and v not in self.constants)
        self.by_keys = bool(values) and seekable(queryset) and _key_columns(queryset.model, self.columns)
        if self.by_keys:
            self.db, self.model, self.ends_with_key = queryset.db, queryset.model, _ends_with_key(queryset)

    @functools.cached_property
    def count(self) -> int:
        if self.queryset is not None and not isinstance(self.queryset, QuerySet):
            return len(self.queryset)
        if not self.by_keys:
            return self.queryset.count()
        sql, params = self._keys_unordered
        return 0 if sql is None else self._fetch(f"SELECT COUNT(*) FROM ({sql}) seek_count", params)[0][0]

    @functools.cached_property
    def _keys_unordered(self) -> tuple[str | None, tuple]:
        """The key query without ORDER BY: the count's, and a page's when its ordering is plain columns."""
        return compiled(self.queryset.values("pk").order_by())

    def _keys(self, backwards: bool) -> tuple[str | None, tuple]:
        """The key query in the list's order (reversed with `backwards`)."""
        if backwards not in self._ordered:
            self._ordered[backwards] = keys_sql(self.queryset, backwards=backwards, unordered=self._keys_unordered)
        return self._ordered[backwards]

    def page(self, offset: int, limit: int) -> QuerySet | list:
        """The rows `offset` to `offset + limit`: `.values()` dicts with `values`, else what seek_slice gives."""
        if not self.by_keys:
            return seek_slice(self.queryset, offset, limit, values=self.values, count=self.count)
        count = self.count
        backwards = count // 2 < offset < count and self.ends_with_key
        if backwards:
            end = min(offset + limit, count)
            offset, limit = count - end, end - offset
        keys = _keys_at(self.db, *self._keys(backwards), offset, limit)
        if backwards:
            keys.reverse()
        if not keys:
            return []
        rows = rows_by_keys(self.db, self.model, self.columns, keys)
        for row in rows if self.constants else ():
            row.update(self.constants)
        if self.annotations:
            by_key = {row[self.model._meta.pk.attname]: row for row in rows}
            for extra in self.queryset.filter(pk__in=keys).order_by().values("pk", *self.annotations):
                if (row := by_key.get(extra.pop("pk"))) is not None:
                    row.update(extra)
        return rows

    def _fetch(self, sql: str, params: tuple) -> list[tuple]:
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


def _key_parts(queryset: QuerySet, values: tuple[str, ...]) -> tuple | None:
    """SeekRows' key queries for `_kept`: the count's (unordered), the list's order and its reverse; None for a
    list whose rows are not read by key or that has a column read per row (an annotation)."""
    rows = SeekRows(queryset, values)
    if not rows.by_keys or rows.annotations:
        return None
    same = (rows.db, rows.model, rows.columns, tuple(rows.constants.items()), rows.ends_with_key)
    return same, same, (rows._keys_unordered, rows._keys(backwards=False), rows._keys(backwards=True))


def compiled(queryset: QuerySet) -> tuple[str | None, tuple]:
    """The queryset's SQL and parameters; None when it can have no rows (e.g. `pk__in=[]`)."""
    try:
        return queryset.query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:
        return None, ()


def keys_sql(
    queryset: QuerySet, *, backwards: bool = False, unordered: tuple[str | None, tuple] | None = None
) -> tuple[str | None, tuple]:
    """The SQL of `queryset.values("pk")` in the queryset's order (reversed with `backwards`); `unordered`, the
    same without ORDER BY if the caller has it. An ordering of the model's own columns is the unordered SQL and an
    ORDER BY kept per process (`_order_by_sql`): Django resolves every name of an ORDER BY on each compile (0.1 ms
    for a list's six name columns, the largest part of compiling a key query); their text depends only on the
    model, the names and the direction."""
    names = _column_ordering(queryset)
    if names is None:
        return compiled((queryset.reverse() if backwards else queryset).values("pk"))
    sql, params = unordered or compiled(queryset.values("pk").order_by())
    if sql is None:
        return None, ()
    ascending = queryset.query.standard_ordering != backwards
    return f"{sql} ORDER BY {_order_by_sql(queryset.db, queryset.model, names, ascending)}", params


def read_keys(queryset: QuerySet, offset: int, limit: int) -> list:
    """The keys of `queryset[offset:offset + limit]`, in one narrow query (keys_sql): read the rows by them with
    `rows_by_keys`."""
    return _keys_at(queryset.db, *keys_sql(queryset), offset, limit)


def _keys_at(db: str, sql: str | None, params: tuple, offset: int, limit: int) -> list:
    """The keys of a key query's rows `offset` to `offset + limit`."""
    if sql is None or limit <= 0:
        return []
    with connections[db].cursor() as cursor:
        cursor.execute(f"{sql} LIMIT %s OFFSET %s", (*params, limit, offset))
        return [key for (key,) in cursor.fetchall()]


def _column_ordering(queryset: QuerySet) -> tuple[str, ...] | None:
    """What a queryset is ordered by (its own ordering or its model's default), as names (`name`, `-name`), when
    each is a column of the model's own table by name or as `F(name).asc()`/`.desc()` (core.listing.sort_queryset);
    None when any is anything else (a related column, which joins a table; another expression; nulls first or
    last; `?`) or there is no ordering."""
    query = queryset.query
    ordering = query.order_by or (query.get_meta().ordering if query.default_ordering else ())
    if not ordering or query.extra_order_by or query.extra:
        return None
    names = []
    for item in ordering:
        if isinstance(item, OrderBy) and type(item.expression) is F and not (item.nulls_first or item.nulls_last):
            item = f"-{item.expression.name}" if item.descending else item.expression.name
        if not isinstance(item, str):
            return None
        names.append(item)
    names = tuple(names)
    return names if _own_columns(queryset.model, names) else None


@functools.lru_cache(maxsize=256)
def _own_columns(model: type[Model], names: tuple[str, ...]) -> bool:
    for name in names:
        name = name.removeprefix("-")
        if name == "pk":
            continue
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return False
        # a foreign key by its column (`person_id`) is a column; by its name (`person`), the related model's ordering
        if not field.concrete or (field.is_relation and name != field.attname):
            return False
    return True


@functools.lru_cache(maxsize=512)
def _order_by_sql(db: str, model: type[Model], names: tuple[str, ...], ascending: bool) -> str:
    """The ORDER BY clause (without the keywords) Django compiles for `names` on `model`'s own table, worked out
    once per process: a plain QuerySet of the model's keys ordered so, compiled, the text after its ORDER BY."""
    queryset = QuerySet(model=model, using=db).order_by(*names).values("pk")
    if not ascending:
        queryset = queryset.reverse()
    sql, _params = queryset.query.get_compiler(db).as_sql()
    _select, clause = sql.split(" ORDER BY ")  # ValueError if there were two
    return clause


@functools.lru_cache(maxsize=256)
def _key_columns(model: type[Model], columns: tuple[str, ...]) -> bool:
    """Whether `columns` include the model's key and are each one value per row: a column of the model or of a
    table its foreign keys (one-to-one links) lead to, never of a many-valued relation."""
    for path in columns:
        *links, last = path.split(LOOKUP_SEP)
        current = model
        try:
            for name in links:
                field = current._meta.get_field(name)
                if not (field.concrete and (field.many_to_one or field.one_to_one)):
                    return False
                current = field.related_model
            field = current._meta.get_field(last)
        except FieldDoesNotExist:
            return False
        if not field.concrete or field.many_to_many:
            return False
    return model._meta.pk.attname in columns


#: (database, model, columns) -> the compiled query of rows by keys: its SQL before and after the list of keys,
#: the names of its columns and their converters. It depends only on the code (which columns a list shows),
#: never on the user, the request or the data.
_ROWS_BY_KEYS: dict[tuple, tuple] = {}


def rows_by_keys(db: str, model: type[Model], columns: tuple[str, ...], keys: list) -> list[dict[str, Any]]:
    """`model._base_manager.filter(pk__in=keys).values(*columns)` in the order of `keys` (a key without a row is
    left out), with that query compiled once per process. `columns` must pass `_key_columns`."""
    before, after, names, converters = _rows_by_keys_query(db, model, columns)
    if not keys:
        return []
    rows = _fetch_rows(db, before + ", ".join(["%s"] * len(keys)) + after, keys, names, converters)
    key_at = model._meta.pk.attname
    by_key = {row[key_at]: row for row in rows}
    return [by_key[key] for key in keys if key in by_key]  # a row deleted between the two reads is left out


def first_rows(queryset: QuerySet, columns: tuple[str, ...], limit: int) -> list[dict[str, Any]]:
    """`queryset.values(*columns)[:limit]` in one statement: the rows by key (`rows_by_keys`' query, compiled once
    per process) of the key query (`keys_sql`, its ORDER BY kept per process) inside its IN (…), put back in the
    queryset's order in Python. For an ordering of the model's own whole-number or date columns, all among
    `columns` (integers and dates sort alike in Python and in every database; text follows the database's
    collation); anything else reads the keys, then the rows by them (two statements). `columns` must pass
    `_key_columns`, as for `rows_by_keys`."""
    statement = _FirstRows.of(queryset, columns)
    if statement is None:
        return rows_by_keys(queryset.db, queryset.model, columns, read_keys(queryset, 0, limit))
    return statement.run(statement.params, limit)


class _FirstRows(NamedTuple):
    """first_rows' one statement for a queryset, ready to run with its parameters and a limit."""

    db: str
    sql: str | None  # None: the queryset can have no rows (EmptyResultSet)
    params: tuple
    order: tuple[tuple[str, bool], ...]  # (column, descending): the queryset's order, put back in Python
    names: list[str]
    converters: list

    @classmethod
    def of(cls, queryset: QuerySet, columns: tuple[str, ...]) -> _FirstRows | None:
        """None when the queryset's order cannot be put back in Python (first_rows reads its keys first)."""
        names = _column_ordering(queryset)
        if names is None or not _sortable_here(queryset.model, names, columns):
            return None
        sql, params = keys_sql(queryset)
        before, after, row_names, converters = _rows_by_keys_query(queryset.db, queryset.model, columns)
        ascending = queryset.query.standard_ordering
        key = queryset.model._meta.pk.attname
        order = tuple(
            (key if name.removeprefix("-") == "pk" else name.removeprefix("-"), name.startswith("-") == ascending)
            for name in names
        )
        sql = None if sql is None else f"{before}{sql} LIMIT %s{after}"
        return cls(queryset.db, sql, params, order, row_names, converters)

    def run(self, params: tuple, limit: int) -> list[dict[str, Any]]:
        if self.sql is None or limit <= 0:
            return []
        rows = _fetch_rows(self.db, self.sql, (*params, limit), self.names, self.converters)
        for column, descending in reversed(self.order):  # stable sorts, the last column first
            rows.sort(key=lambda row, c=column: row[c], reverse=descending)
        return rows


class Kept(NamedTuple):
    """A list's queryset as `build(**args)` (with `user=user` when there is a user), for statements kept per process
    and shape (`kept_first_rows`, `SeekRows`): the builder must depend on nothing but its arguments and the active
    language, read nothing from the database while it builds, and use a positive whole number only as a lookup's
    value (not in an `if` beyond whether it is there, not in arithmetic). It may read of the user only what
    `User.scope_key` holds."""

    build: Callable[..., QuerySet]
    args: dict[str, Any]
    user: User | None = None

    def queryset(self, **replaced: Any) -> QuerySet:  # noqa: ANN401 - whatever the builder takes
        user = {} if self.user is None else {"user": self.user}
        return self.build(**{**self.args, **replaced}, **user)


#: _kept's statements: (kind, builder, language, user's scope, the arguments' shape) -> (what the statement is,
#: its SQL and parameters, where each argument goes among each part's parameters), or None for a shape whose
#: statement is not its arguments put in (compiled on every call). At most _KEPT_SHAPES: when full, all are let go
#: and kept again as requests ask for them.
_KEPT: dict[tuple, tuple | None] = {}
_KEPT_SHAPES = 512
#: the stand-ins for a shape's whole numbers while its statement is compiled: positive, within every integer
#: column's range (Django turns a value out of a column's range into "no rows", which would change the SQL)
_STAND_IN = 32_001
_MISSING = object()


def _kept(kind: Hashable, source: Kept, make: _Make) -> tuple[Any, tuple[tuple[str | None, tuple], ...]] | None:
    """`make(source.queryset())`'s kept part and its parts' SQL and parameters, compiled once per process for the
    shape of `source`: Django builds and compiles a list's query on every request (0.2 ms for who-is-behind's, the
    officials' or the cities'), though between two requests only its numbers change.
    The shape is every argument as it is, except positive whole numbers below 2³¹ (years, keys, cursors), which are
    parameters, with the builder, the active language and `User.scope_key`. On the first call of a shape the
    statement is compiled twice: with a stand-in for each such number, to find where each goes among the
    parameters, and with the arguments themselves; it is kept only if the two are the same SQL and putting the
    numbers in place of the stand-ins gives the very parameters Django gave (a number written into the SQL's
    text, transformed, or steering the query otherwise is caught here, and that shape is compiled on every call:
    None is returned, and the caller builds the queryset as before)."""
    args = source.args
    slots = {name: value for name, value in args.items() if type(value) is int and 0 < value < 2**31}
    shape = (
        kind,
        source.build,
        get_language(),
        None if source.user is None else source.user.scope_key(),
        tuple(sorted((name, None if name in slots else (value,)) for name, value in args.items())),
    )
    kept = _KEPT.get(shape, _MISSING)
    if kept is _MISSING:
        kept = _keep(source, slots, make)
        if len(_KEPT) >= _KEPT_SHAPES:  # all at once: no order to keep between threads
            _KEPT.clear()
        _KEPT[shape] = kept
    if kept is None:
        return None
    payload, parts, at = kept
    return payload, tuple(
        (sql, tuple(param if name is None else slots[name] for param, name in zip(params, where, strict=True)))
        for (sql, params), where in zip(parts, at, strict=True)
    )


def _keep(source: Kept, slots: dict[str, int], make: _Make) -> tuple | None:
    """A shape's kept part, its parts and, for each parameter of each part, the argument that goes there (None: a
    fixed one); None when the shape's statement cannot be kept (_kept)."""
    stand_ins = {name: _STAND_IN + i for i, name in enumerate(sorted(slots))}
    probe, real = make(source.queryset(**stand_ins)), make(source.queryset())
    if probe is None or real is None or probe[0] != real[0]:
        return None
    names = {number: name for name, number in stand_ins.items()}
    at = []
    for (sql, params), (real_sql, real_params) in zip(probe[2], real[2], strict=True):
        where = tuple(names.get(param) if type(param) is int else None for param in params)
        put_in = tuple(param if name is None else slots[name] for param, name in zip(params, where, strict=True))
        if sql != real_sql or put_in != tuple(real_params):
            return None
        at.append(where)
    return probe[1], probe[2], tuple(at)


def kept_first_rows(source: Kept, columns: tuple[str, ...], limit: int) -> list[dict[str, Any]]:
    """`first_rows(source.queryset(), columns, limit)`, its statement kept per process and shape (`_kept`)."""
    found = _kept(("first rows", columns), source, functools.partial(_first_rows_parts, columns=columns))
    if found is None:
        return first_rows(source.queryset(), columns, limit)
    statement, ((_sql, params),) = found
    return statement.run(params, limit)


def _first_rows_parts(queryset: QuerySet, columns: tuple[str, ...]) -> tuple | None:
    statement = _FirstRows.of(queryset, columns)
    if statement is None:
        return None
    return (statement.db, statement.order, statement.names), statement, ((statement.sql, statement.params),)


@functools.lru_cache(maxsize=256)
def _sortable_here(model: type[Model], names: tuple[str, ...], columns: tuple[str, ...]) -> bool:
    """Whether the rows can be put in the order of `names` in Python: each a non-null whole-number or date column
    of `model` among `columns`."""
    for name in names:
        name = name.removeprefix("-")
        field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        kind = (field.target_field if field.is_relation else field).get_internal_type()
        if field.null or field.attname not in columns or not kind.endswith(("IntegerField", "AutoField", "DateField")):
            return False
    return True


def _rows_by_keys_query(db: str, model: type[Model], columns: tuple[str, ...]) -> tuple:
    """The query of `rows_by_keys`, compiled once per process: its SQL before and after the keys, the names of its
    columns and their converters."""
    kept = _ROWS_BY_KEYS.get((db, model, columns))
    if kept is None:
        query = model._base_manager.db_manager(db).filter(pk__in=[0]).order_by().values(*columns).query
        compiler = query.get_compiler(db)
        sql, params = compiler.as_sql()
        before, after = sql.split("%s")  # the one parameter, the key: ValueError if the query had another
        names = list(query.selected) if query.selected else [*query.values_select, *query.annotation_select]
        converters = list(compiler.get_converters([column for column, _, _ in compiler.select]).items())
        kept = _ROWS_BY_KEYS[(db, model, columns)] = (before, after, names, converters)
    return kept


def _fetch_rows(db: str, sql: str, params: Iterable, names: list[str], converters: list) -> list[dict[str, Any]]:
    """The rows of `sql` as dicts of `names`, each value through its column's converters (dates, booleans …)."""
    connection = connections[db]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    rows = []
    for values in fetched:
        if converters:
            values = list(values)
            for position, (functions, expression) in converters:
                for function in functions:
                    values[position] = function(values[position], expression, connection)
        rows.append(dict(zip(names, values, strict=True)))
    return rows


class SeekPaginator(Paginator):
    """Django's Paginator (same Page objects, same count, same orphans) whose pages are fetched by seek_slice.

    With `values` (column names), a page's rows are `.values(*values)` dicts, turned into `row_class` objects
    (core.rows) when given, counted and read by SeekRows. Otherwise the count is the queryset's own, and a page is
    seek_slice's."""

    def __init__(
        self,
        object_list: QuerySet,
        per_page: int,
        *,
        values: tuple[str, ...] = (),
        row_class: type[Row] | None = None,
        **kwargs: Any,  # noqa: ANN401 - Paginator's own keywords
    ) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.rows, self.row_class = SeekRows(object_list, values), row_class

    @functools.cached_property
    def count(self) -> int:
        return self.rows.count

    def page(self, number: int | str) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.rows.page(bottom, top - bottom)
        if self.row_class is not None:
            rows = [self.row_class(values) for values in rows]
        return self._get_page(rows, number, self)


#: a primary key no table reaches (the `id` converter takes at most 18 digits), replaced by each row's own
_MARK = 987654321987654321


def detail_url_parts(viewname: str) -> tuple[str, str]:
    """What comes before and after the key in `reverse(viewname, args=[key])`, reversed once per process (per script
    prefix and URLconf, as `{% url_once %}` is): a reverse cost a list page 2-3 % of its time (issue 9)."""
    return _detail_url_parts(viewname, get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF))


@functools.lru_cache(maxsize=256)
def _detail_url_parts(viewname: str, script_prefix: str, urlconf: str) -> tuple[str, str]:
    prefix, _, suffix = reverse(viewname, args=[_MARK], urlconf=urlconf).partition(str(_MARK))
    return prefix, suffix


def detail_urls(rows: Iterable[Model], viewname: str, attr: str = "url") -> None:
    """`row.<attr> = reverse(viewname, args=[row.pk])` for each row, reversing once: only the key differs."""
    prefix, suffix = detail_url_parts(viewname)
    for row in rows:
        setattr(row, attr, f"{prefix}{row.pk}{suffix}")


def options_html(choices: Iterable[tuple[Any, Any]], selected: str | None) -> SafeString:
    """The `<option>`s of a filter drop-down in one pass (a template loop costs a node render per option: the
    country list has 250), each value and label escaped as `conditional_escape` escapes them (core.rows.escaped;
    `format_html` per option cost 3-4 µs, issue 9)."""
    return mark_safe(  # noqa: S308 - every value and label is escaped here
        "".join(
            f'<option value="{escaped(value)}"{" selected" if selected is not None and value == selected else ""}>'
            f"{escaped(label)}</option>"
            for value, label in choices
        )
    )


@functools.lru_cache(maxsize=16)
def _province_options(language: str, countries: tuple[str, ...]) -> str:
    from django.utils.translation import gettext as _

    from . import provinces

    labels = {"CN": _("China"), "US": _("United States")}  # as provinces.grouped_choices labels them
    return format_html_join(
        "",
        '<optgroup label="{}">{}</optgroup>',
        ((labels[country], options_html(provinces.choices(country, language), None)) for country in countries),
    )


def province_options(countries: tuple[str, ...] = ("CN", "US")) -> SafeString:
    """The province `<optgroup>`s of a filter (China's, then the US's), built once per process and language: the
    85 options were a template loop on every list page that filters by province. The template marks the
    selected one with `with_selected` (core.templatetags.listing)."""
    return mark_safe(_province_options(get_language() or settings.LANGUAGE_CODE, countries))  # noqa: S308
