"""A 2-D table the kernel builds (a DP matrix) as a 2-D numpy array: ``d = [[0] * (m + 1) for _ in range(n + 1)]``.

numba runs a list of lists as typed lists: each ``d[i][j]`` goes through two list objects. When every use of the
table is an element, the table may be one 2-D array instead. :func:`local_grids` rewrites a local bound once to a
list comprehension whose items are lists (``[[e for j in ...] for i in ...]`` or ``[[c] * w for ...]``) when every
read of the name is ``d[a][b]`` (read, stored or ``op=``, a number either way), ``len(d)`` or ``len(d[a])``: the
comprehension is built as before and handed to ``_pkb_grid``, which copies it into an array of the same element
type (rows of unequal lengths raise, and the wrapper then runs the original), and ``d[a][b]`` becomes ``d[a, b]``
(the same element, bounds checked and negative indices counted from the end as on lists). Nothing can tell the
difference: the table never leaves the function, no row is shared, stored, appended to or read whole.
"""

from __future__ import annotations

import ast

from perfkit.optimizers import _ast_tools as t

PRELUDE = """

def _pkb_grid(rows):
    return rows


@_pk_overload(_pkb_grid)
def _pkb_grid_typed(rows):
    item = rows.dtype.dtype

    def grid(rows):
        n = len(rows)
        m = len(rows[0]) if n else 0
        out = _pk_np.empty((n, m), dtype=item)
        for i in range(n):
            row = rows[i]
            if len(row) != m:
                raise ValueError("rows of unequal lengths")
            for j in range(m):
                out[i, j] = row[j]
        return out
    return grid
"""


def local_grids(func: ast.FunctionDef) -> ast.FunctionDef:
    """A copy of ``func`` with each local 2-D table used only element by element built as a 2-D array."""
    copy = ast.parse(ast.unparse(func)).body[0]
    assert isinstance(copy, ast.FunctionDef)
    t.link_parents(copy)
    stores: dict[str, int] = {}
    for node in ast.walk(copy):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            stores[node.id] = stores.get(node.id, 0) + 1
    stores.update({name: stores.get(name, 0) + 1 for name in t.params(copy)})
    for node in list(ast.walk(copy)):
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            continue
        name = node.targets[0].id
        if stores.get(name) != 1 or not _table_of_rows(node.value):
            continue
        uses = [n for n in ast.walk(copy) if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)]
        if not uses or not all(_element_use(use) for use in uses):
            continue
        node.value = ast.Call(ast.Name("_pkb_grid", ast.Load()), [node.value], [])
        for use in uses:
            row = t.parent(use)
            cell = t.parent(row)
            if isinstance(row, ast.Subscript) and isinstance(cell, ast.Subscript) and cell.value is row:
                cell.value = use
                cell.slice = ast.Tuple([row.slice, cell.slice], ast.Load())
    return ast.fix_missing_locations(copy)


def _table_of_rows(value: ast.expr) -> bool:
    """``[[...] for ...]``: a list comprehension (no conditions) whose item builds a new list."""
    if not isinstance(value, ast.ListComp) or any(g.ifs or g.is_async for g in value.generators):
        return False
    item = value.elt
    if isinstance(item, ast.ListComp):
        return not any(g.ifs for g in item.generators)
    return (
        isinstance(item, ast.BinOp)
        and isinstance(item.op, ast.Mult)
        and isinstance(item.left, ast.List)
        and len(item.left.elts) == 1
        and isinstance(item.left.elts[0], ast.Constant)
        and type(item.left.elts[0].value) in (int, float, bool)
    )


def _element_use(use: ast.Name) -> bool:
    """``d[a][b]`` (the value a number), ``len(d)`` or ``len(d[a])``."""
    up = t.parent(use)
    if t.is_call(up, "len", 1) and not up.keywords:  # type: ignore[union-attr]
        return True
    if not (isinstance(up, ast.Subscript) and up.value is use and not isinstance(up.slice, ast.Slice)):
        return False
    cell = t.parent(up)
    if t.is_call(cell, "len", 1) and not cell.keywords:  # type: ignore[union-attr]
        return True
    if not (isinstance(cell, ast.Subscript) and cell.value is up and not isinstance(cell.slice, ast.Slice)):
        return False
    if isinstance(cell.ctx, ast.Del):
        return False
    outer = t.parent(cell)
    return not (isinstance(outer, ast.Subscript) and outer.value is cell)  # an element, not indexed further
