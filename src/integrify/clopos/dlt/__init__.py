"""Clopos data for `dlt <https://dlthub.com>`_ (extra ``[dlt]``): ``clopos_source`` and ``sync``.

```python
import dlt
from integrify.clopos.dlt import clopos_source

pipeline = dlt.pipeline("clopos", destination="duckdb", dataset_name="clopos")
pipeline.run(clopos_source(), loader_file_format="parquet")  # DuckDB: Parquet loads many times faster
```
"""

from __future__ import annotations

from .receipts import DELETED, DELETIONS
from .source import clopos_source

__all__ = ["DELETED", "DELETIONS", "clopos_source"]
