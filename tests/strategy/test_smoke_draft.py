"""The fixtures' masterplan is drafted from the library's practices."""

from __future__ import annotations

import pytest

from kotacerdas.strategy import content

from .fixtures import plan, practices

pytestmark = pytest.mark.integration


def test_the_draft_builds_programmes_on_the_published_practices(plan, practices):
    version = plan.versions.get()
    document = version.content
    assert version.number == 1 and version.generated
    assert document["horizon"] == {"from": 2026, "to": 2035}
    assert sorted(p["practice"]["slug"] for p in document["programmes"]) == sorted(
        p.slug for p in practices
    )
    assert content.budget(document).total == sum(p["cost_idr"] or 0 for p in document["programmes"])
