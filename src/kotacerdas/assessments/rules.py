"""Who may do what with frameworks, cycles, values, results and readiness.

Object permissions on values and readiness take a Region: an officer acts only on their
own region; the secretariat acts on every region and alone runs and publishes the index.
"""

from __future__ import annotations

import rules

from kotacerdas.core.rules import is_officer_of_region, is_secretariat

can_edit_region_data = is_secretariat | is_officer_of_region

rules.add_perm("assessments.manage_frameworks", is_secretariat)
rules.add_perm("assessments.manage_cycles", is_secretariat)
rules.add_perm("assessments.import_values", can_edit_region_data)
rules.add_perm("assessments.import_all_values", is_secretariat)
rules.add_perm("assessments.view_region_values", can_edit_region_data)
rules.add_perm("assessments.compute_index", is_secretariat)
rules.add_perm("assessments.publish_results", is_secretariat)
rules.add_perm("assessments.view_unpublished", is_secretariat)
rules.add_perm("assessments.edit_readiness", is_officer_of_region)
rules.add_perm("assessments.view_readiness", can_edit_region_data)

# Django admin: the secretariat may read and correct assessment data there.
for model in (
    "framework",
    "node",
    "cycle",
    "indicatorvalue",
    "computation",
    "result",
    "questionnaire",
    "readinessresponse",
):
    rules.add_perm(f"assessments.view_{model}", is_secretariat)
for model in ("cycle", "indicatorvalue"):
    for action in ("change", "add", "delete"):
        rules.add_perm(f"assessments.{action}_{model}", is_secretariat)
