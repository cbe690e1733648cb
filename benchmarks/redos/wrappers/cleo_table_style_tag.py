"""cleo 1.0.0a5: render a console table whose cell, styled with a TableCellStyle, holds ``s`` (the text a
command prints, as the advisory's ``Table.set_rows``)."""

from cleo.io.outputs.buffered_output import BufferedOutput
from cleo.ui.table import Table
from cleo.ui.table_cell import TableCell
from cleo.ui.table_cell_style import TableCellStyle


def target(s: str) -> str:
    output = BufferedOutput()
    table = Table(output)
    table.set_rows([[TableCell(s, style=TableCellStyle(cell_format="<info>{}</info>"))]])
    table.render()
    return output.fetch()
