"""Alembic migrations of the review store; `review.db.migrate` applies them."""
