"""Tests of documents (planforge.render), their layout, and planforge preview."""
