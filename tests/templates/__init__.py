"""Tests of templates: upload, versions, indexing, fields, analysis and recognition."""
