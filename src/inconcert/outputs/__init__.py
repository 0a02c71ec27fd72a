"""Writing what the tool outputs, for every stage that writes a file.

- :mod:`inconcert.outputs.resultset`: :class:`~inconcert.outputs.resultset.ResultSet`,
  a result set staged inside the output folder and moved into place as a whole
  (``summary.json`` last, with every file's size and SHA-256);
- :mod:`inconcert.outputs.csvfile`: :func:`~inconcert.outputs.csvfile.write_csv`,
  every CSV in one dialect with spreadsheet-executable cells neutralised, and the
  readers that undo it;
- :mod:`inconcert.outputs.graph`: GEXF and GraphML that always parse;
- :mod:`inconcert.outputs.pseudonymise`: keyed pseudonyms for account ids;
- :mod:`inconcert.outputs.signals`: stopping cleanly on SIGINT/SIGTERM;
- :mod:`inconcert.outputs.options`: :class:`~inconcert.outputs.options.OutputOptions`.

A stage that adds a file writes it through the run's result set::

    write_csv(table, rs.path("same_hand.csv"), raw=opts.raw_csv, bom=opts.bom)
"""
