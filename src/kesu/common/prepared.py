"""Reads on the hottest paths, with the SQL written by the ORM once per process instead of every call.

Building and compiling a queryset costs about 0.3–0.5 ms of Python; executing a one-row index lookup
costs a tenth of that. ``PreparedRead`` takes a function that builds the queryset from its parameters,
calls it once per database alias with placeholder values, keeps the SQL, where each parameter goes and
the converters of the selected columns, and afterwards only executes. The SQL therefore stays the ORM's
(column names, joins, quoting and vendor differences follow the models) — only the repetition is gone.

Rules: parameters are keyword-only and typed ``str`` or ``int``; each must reach the SQL unchanged
exactly once (a lookup that rewrites the value, like ``icontains``, is refused when the read is
prepared); the queryset must be a ``values_list()`` or use ``model=`` to get instances.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections, models, transaction
from django.db.models.query import QuerySet

M = TypeVar("M", bound=models.Model)

# Stand-ins the builder is called with; they never reach a database.
_STR_MARK = "\x1fkesu-prepared-{}\x1f"
_INT_MARK = -7_346_221_000_000


@dataclass(frozen=True)
class _Compiled:
    sql: str
    # For each SQL parameter: the name of the caller's parameter, or None for a constant kept in `params`.
    slots: tuple[str | None, ...]
    params: tuple[Any, ...]
    # Per selected column: (converter functions, expression) as Django's compiler applies them.
    converters: tuple[tuple[int, tuple[list[Callable[..., Any]], Any]], ...]


class PreparedRead(Generic[M]):
    """``PreparedRead(build, key=str)``; ``read.rows(key="…")`` → list of tuples.

    With ``model=SomeModel`` the builder returns a plain ``filter()`` queryset and ``read.objects(…)``
    returns instances with every concrete field loaded (``Model.from_db``), as the queryset would."""

    def __init__(self, build: Callable[..., QuerySet[Any]], *, model: type[M] | None = None, **types: type):
        for name, kind in types.items():
            if kind not in (str, int):
                raise TypeError(f"parameter {name}: only str and int are supported")
        self._build = build
        self._types = types
        self._model = model
        self._attnames = [f.attname for f in model._meta.concrete_fields] if model is not None else None
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def _marks(self) -> dict[str, Any]:
        return {
            name: (_STR_MARK.format(name) if kind is str else _INT_MARK - i)
            for i, (name, kind) in enumerate(self._types.items())
        }

    def _compile(self, alias: str) -> _Compiled:
        marks = self._marks()
        qs = self._build(**marks)
        if self._attnames is not None:
            qs = qs.values_list(*self._attnames)
        compiler = qs.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        by_mark = {v: k for k, v in marks.items()}
        slots = tuple(by_mark.get(p) if isinstance(p, str | int) else None for p in params)
        for name in self._types:
            if slots.count(name) != 1:
                raise ValueError(f"parameter {name} does not reach the SQL unchanged exactly once")
        converters = compiler.get_converters([selected[0] for selected in compiler.select])
        return _Compiled(sql=sql, slots=slots, params=tuple(params), converters=tuple(converters.items()))

    def _compiled_for(self, alias: str) -> _Compiled:
        compiled = self._compiled.get(alias)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(alias) or self._compile(alias)
                self._compiled[alias] = compiled
        return compiled

    def rows(self, *, using: str = "default", **values: Any) -> list[tuple[Any, ...]]:
        if values.keys() != self._types.keys():
            raise TypeError(f"expected parameters {sorted(self._types)}, got {sorted(values)}")
        compiled = self._compiled_for(using)
        params = [
            values[s] if s is not None else p for s, p in zip(compiled.slots, compiled.params, strict=True)
        ]
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if not compiled.converters:
            return [tuple(r) for r in rows]
        return [tuple(self._convert(r, compiled.converters, connection)) for r in rows]

    @staticmethod
    def _convert(row: Any, converters: tuple[Any, ...], connection: Any) -> Iterator[Any]:
        row = list(row)
        for pos, (funcs, expression) in converters:
            value = row[pos]
            for func in funcs:
                value = func(value, expression, connection)
            row[pos] = value
        return iter(row)

    def objects(self, *, using: str = "default", **values: Any) -> list[M]:
        if self._model is None or self._attnames is None:
            raise TypeError("objects() needs model=")
        model, attnames = self._model, self._attnames
        return [model.from_db(using, attnames, row) for row in self.rows(using=using, **values)]


class PreparedInsert(Generic[M]):
    """``PreparedInsert(Model).insert(obj)``: what ``obj.save(force_insert=True)`` writes, one row, with
    the INSERT statement built once per database alias.

    Each field is prepared exactly as the ORM prepares it (``pre_save`` — e.g. ``auto_now_add`` — then
    ``get_db_prep_save``); the primary key comes back with RETURNING. Model signals are not sent (Kesu
    keeps no logic in signals) and a model's own ``save()`` is not called: use it for append-only rows
    on hot paths. A value that is an expression (a database default, F(), …) is refused."""

    def __init__(self, model: type[M]):
        meta = model._meta
        if meta.parents:
            raise TypeError(f"{model.__name__}: multi-table inheritance is not supported")
        self._model = model
        self._fields = [
            f
            for f in meta.local_concrete_fields
            if f is not meta.auto_field and not getattr(f, "generated", False)
        ]
        self._sql: dict[str, tuple[str, bool]] = {}

    def _statement(self, connection: Any) -> tuple[str, bool]:
        cached = self._sql.get(connection.alias)
        if cached is None:
            qn = connection.ops.quote_name
            meta = self._model._meta
            # Names come from the model's meta, quoted by the backend; values are parameters.
            sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
                qn(meta.db_table),
                ", ".join(qn(f.column) for f in self._fields),
                ", ".join(["%s"] * len(self._fields)),
            )
            returning = bool(meta.auto_field) and connection.features.can_return_columns_from_insert
            if returning:
                clause, _params = connection.ops.return_insert_columns([meta.auto_field])
                sql = f"{sql} {clause}"
            cached = self._sql[connection.alias] = (sql, returning)
        return cached

    def _params(
        self, obj: models.Model, connection: Any, *, skip: Mapping[str, int] | None = None
    ) -> list[Any]:
        """The row's values as the ORM prepares them (``pre_save``, then ``get_db_prep_save``), without
        the columns named in ``skip``."""
        params = []
        for f in self._fields:
            if skip and f.attname in skip:
                continue
            value = f.pre_save(obj, True)
            if hasattr(value, "resolve_expression"):
                raise TypeError(f"{type(obj).__name__}.{f.name}: expressions are not supported")
            params.append(f.get_db_prep_save(value, connection))
        return params

    def insert(self, obj: M, *, using: str = "default") -> M:
        connection = connections[using]
        sql, returning = self._statement(connection)
        params = self._params(obj, connection)
        meta = self._model._meta
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            if meta.auto_field is not None:
                if returning:
                    pk = cursor.fetchone()[0]
                else:
                    pk = connection.ops.last_insert_id(cursor, meta.db_table, meta.auto_field.column)
                setattr(obj, meta.auto_field.attname, pk)
        obj._state.adding = False
        obj._state.db = using
        return obj


_INSERTS: dict[type[models.Model], PreparedInsert[Any]] = {}


def _foreign_key(obj: models.Model, name: str) -> models.ForeignKey[Any, Any]:
    field = obj._meta.get_field(name)
    if not isinstance(field, models.ForeignKey):
        raise TypeError(f"{type(obj).__name__}.{name} is not a foreign key")
    return field


def _insert_for(model: type[models.Model]) -> PreparedInsert[Any]:
    prepared = _INSERTS.get(model)
    if prepared is None:
        prepared = _INSERTS[model] = PreparedInsert(model)
    return prepared


class InsertChain:
    """New rows that reference rows before them, written as one unit: all of them or none.

    ``InsertChain().insert([customer, complaint, event], links={1: {"customer": 0}, 2: {"complaint": 1}})``
    writes the customer, then the complaint pointing at it, then the event pointing at the complaint, and
    sets the keys and relations on the objects. On PostgreSQL it is one statement — data-modifying CTEs,
    each ``INSERT … RETURNING`` its key for the next ones — so one round trip and, outside a transaction,
    one commit; on other databases one PreparedInsert per row inside a transaction. Values are prepared
    as PreparedInsert prepares them."""

    def __init__(self) -> None:
        self._sql: dict[tuple[Any, ...], str] = {}

    def insert(
        self,
        objs: Sequence[models.Model],
        *,
        links: Mapping[int, Mapping[str, int]] | None = None,
        using: str = "default",
    ) -> None:
        links = links or {}
        for i, fields in links.items():
            if any(not 0 <= j < i for j in fields.values()):
                raise ValueError("a row can only reference a row before it in the chain")
        connection = connections[using]
        if connection.vendor != "postgresql":
            with transaction.atomic(using=using):
                for i, obj in enumerate(objs):
                    for name, j in links.get(i, {}).items():
                        setattr(obj, name, objs[j])
                    _insert_for(type(obj)).insert(obj, using=using)
            return
        inserts = [_insert_for(type(obj)) for obj in objs]
        linked = [
            {_foreign_key(obj, name).attname: j for name, j in links.get(i, {}).items()}
            for i, obj in enumerate(objs)
        ]
        params: list[Any] = []
        for obj, prepared, columns in zip(objs, inserts, linked, strict=True):
            params += prepared._params(obj, connection, skip=columns)
        key = (using, *(type(obj) for obj in objs), *(tuple(sorted(c.items())) for c in linked))
        sql = self._sql.get(key)
        if sql is None:
            sql = self._sql[key] = self._statement(connection, objs, inserts, linked)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            keys = cursor.fetchone()
        for obj, pk in zip(objs, keys, strict=True):
            setattr(obj, obj._meta.pk.attname, pk)
            obj._state.adding = False
            obj._state.db = using
        for i, fields in links.items():
            for name, j in fields.items():
                setattr(objs[i], name, objs[j])

    @staticmethod
    def _statement(
        connection: Any,
        objs: Sequence[models.Model],
        inserts: list[PreparedInsert[Any]],
        linked: list[dict[str, int]],
    ) -> str:
        qn = connection.ops.quote_name
        parts, keys = [], []
        for i, (obj, prepared, columns) in enumerate(zip(objs, inserts, linked, strict=True)):
            meta = obj._meta
            if meta.auto_field is None:
                raise TypeError(f"{type(obj).__name__}: a chained row needs an automatic primary key")
            values = []
            for f in prepared._fields:
                j = columns.get(f.attname)
                if j is None:
                    values.append("%s")
                    continue
                target = objs[j]._meta.auto_field
                if target is None or _foreign_key(obj, f.name).target_field is not target:
                    raise TypeError(f"{type(obj).__name__}.{f.name} must reference the primary key")
                values.append(f"(SELECT {qn(target.column)} FROM r{j})")  # noqa: S608
            # Names come from the models' meta, quoted by the backend; values are parameters.
            columns_sql = ", ".join(qn(f.column) for f in prepared._fields)
            parts.append(
                f"r{i} AS (INSERT INTO {qn(meta.db_table)} ({columns_sql}) "  # noqa: S608
                f"VALUES ({', '.join(values)}) RETURNING {qn(meta.auto_field.column)})"
            )
            keys.append(f"(SELECT {qn(meta.auto_field.column)} FROM r{i})")  # noqa: S608
        return f"WITH {', '.join(parts)} SELECT {', '.join(keys)}"
