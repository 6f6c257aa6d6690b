"""TPC-DS data generation with `tpcgen-cli tpcds` into a cache folder, one Parquet file per
table. The data is generated once per scale factor and reused; nothing here is committed."""

from __future__ import annotations

import os
from pathlib import Path

from bench.tpch.datagen import data_dir, find_cli, generate_once

TABLES = (
    "call_center", "catalog_page", "catalog_returns", "catalog_sales", "customer",
    "customer_address", "customer_demographics", "date_dim", "household_demographics",
    "income_band", "inventory", "item", "promotion", "reason", "ship_mode", "store",
    "store_returns", "store_sales", "time_dim", "warehouse", "web_page", "web_returns",
    "web_sales", "web_site",
)
DEFAULT_ROOT = Path(os.environ.get("TQP_TPCDS_DATA",
                                   Path(__file__).resolve().parents[2] / "data" / "tpcds"))


def ensure_data(sf: float, root: Path = DEFAULT_ROOT) -> Path:
    """Generate TPC-DS at scale factor `sf` (fractions work: 0.01 takes seconds) unless it is
    there already; return its folder."""
    return generate_once(data_dir(sf, root), TABLES,
                         [find_cli("tpcgen-cli"), "tpcds", "parquet", "-s", f"{sf:g}", "-q", "-o"])
