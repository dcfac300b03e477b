"""Follow-ups per knowledge entry, and the safeguarding and other-nations signposts.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("knowledge_entries", sa.Column("follow_ups", sa.JSON(), nullable=True))
    op.create_table(
        "signposts",
        sa.Column("id", sa.String(60), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("places", sa.JSON(), nullable=False),
        sa.Column("links", sa.JSON(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("signposts")
    with op.batch_alter_table("knowledge_entries") as batch:
        batch.drop_column("follow_ups")
