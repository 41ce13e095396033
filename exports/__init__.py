"""Pure file formats: parsers and renderers. Plain data in and out; no Flask, no database.

Every workbook cell is written through exports.cells.write_cell: user text is always a text
cell, whatever it begins with, minus the characters an xlsx cannot hold."""
