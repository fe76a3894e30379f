"""Storage: typed models, the async engine, and small repository functions."""
