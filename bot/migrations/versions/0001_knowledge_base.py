"""The knowledge base as served: entries, paragraph index, SENDIASS directory, content versions.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "knowledge_entries",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("topic", sa.String(40), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("verdict", sa.String(20), nullable=True),
        sa.Column("citations", sa.JSON(), nullable=False),
        sa.Column("related", sa.JSON(), nullable=False),
        sa.Column("quote", sa.JSON(), nullable=True),
        sa.Column("examples", sa.JSON(), nullable=False),
        sa.Column("reviewed", sa.Date(), nullable=False),
    )
    op.create_table(
        "code_paragraphs",
        sa.Column("number", sa.String(20), primary_key=True),
        sa.Column("chapter", sa.Integer(), nullable=False),
        sa.Column("heading", sa.Text(), nullable=False),
    )
    op.create_table(
        "services",
        sa.Column("id", sa.String(60), primary_key=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("council", sa.Text(), nullable=True),
        sa.Column("service", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("places", sa.JSON(), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
    )
    op.create_table(
        "content_versions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )


def downgrade() -> None:
    for table in ("content_versions", "services", "code_paragraphs", "knowledge_entries"):
        op.drop_table(table)
