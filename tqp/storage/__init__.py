"""Storage: the catalog of Arrow tables, and the conversions between Arrow and device tensors."""
